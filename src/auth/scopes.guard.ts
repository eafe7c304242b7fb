import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import type { Scope } from '../config/scopes.js';
import { formatUserRanges, inUserRanges, type UserRanges } from '../config/user-ranges.js';
import { type AuthenticatedRequest, bearerTokenOf, requestClaims } from './request-claims.js';
import { REQUIRED_SCOPES, SCOPES_SWITCH, type ScopesSwitch, USER_PARAM } from './require-scopes.decorator.js';
import { tokenSwitchesOf } from './token-switches.js';
import { InvalidTokenError, TokenService } from './token.service.js';

const REALM = 'realm="movie-reco"';

/**
 * Enforces @RequireScopes, and @RequireScopesWhen when its setting is on. Installed as a global
 * guard by AuthModule (routes without the decorator pass untouched); it also works with
 * @UseGuards(ScopesGuard). Failures are thrown as Nest exceptions so the global filter gives them
 * the common error shape; the WWW-Authenticate header follows RFC 6750 §3.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly switches: Record<ScopesSwitch, boolean>;
  private readonly scopesByHandler = new WeakMap<object, Scope[] | undefined>();
  /** The users each bound client may act for; a client absent here may act for any. */
  private readonly usersOf: Map<string, UserRanges>;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    config: AppConfig,
  ) {
    this.switches = tokenSwitchesOf(config);
    this.usersOf = new Map(
      config.auth.clients.flatMap((client) => (client.users ? [[client.id, client.users] as const] : [])),
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredScopes(context);
    if (required === undefined) return true;
    // Only HTTP routes carry bearer tokens; refuse rather than let another transport in unchecked.
    if (context.getType() !== 'http') return false;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (!this.enforced(context)) {
      // Open on this instance; a valid token, if sent, still names its client (logs, limits).
      requestClaims(request, this.tokens);
      return true;
    }

    const token = bearerTokenOf(request);
    if (!token) {
      void reply.header('www-authenticate', `Bearer ${REALM}`);
      throw new UnauthorizedException(
        'a bearer token is required: Authorization: Bearer <token>, from POST /oauth/token',
      );
    }
    let claims;
    try {
      claims = this.tokens.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      void reply.header(
        'www-authenticate',
        `Bearer ${REALM}, error="invalid_token", error_description="${error.message}"`,
      );
      throw new UnauthorizedException(error.message);
    }
    // Set before the scope check, so that the access log names the client of a 403 too.
    request.auth = claims;
    const missing = required.filter((scope) => !claims.scopes.includes(scope));
    if (missing.length > 0) {
      void reply.header(
        'www-authenticate',
        `Bearer ${REALM}, error="insufficient_scope", scope="${required.join(' ')}"`,
      );
      throw new ForbiddenException(`the token lacks the scope(s): ${missing.join(', ')}`);
    }
    this.checkUser(context, request, claims.clientId);
    return true;
  }

  /** 403 when the route acts for a user outside the client's `users` (see ActsForUser). */
  private checkUser(context: ExecutionContext, request: AuthenticatedRequest, clientId: string): void {
    const ranges = this.usersOf.get(clientId);
    if (!ranges) return;
    const param = this.reflector.get<string | undefined>(USER_PARAM, context.getHandler());
    if (param === undefined) return;
    const text = (request.params as Record<string, string | undefined>)[param];
    // A malformed id is left to the validation pipe's 400, which says what is wrong with it.
    if (text === undefined || !/^\d{1,10}$/.test(text)) return;
    const userId = Number(text);
    if (inUserRanges(ranges, userId)) return;
    throw new ForbiddenException(
      `client "${clientId}" may not act for user ${userId}: its users are ${formatUserRanges(ranges)} (AUTH_CLIENTS "users")`,
    );
  }

  /** False for a @RequireScopesWhen route whose setting is off on this instance. */
  private enforced(context: ExecutionContext): boolean {
    const setting = this.reflector.getAllAndOverride<ScopesSwitch | undefined>(SCOPES_SWITCH, [
      context.getHandler(),
      context.getClass(),
    ]);
    return setting === undefined || this.switches[setting];
  }

  /**
   * The union of the scopes on the handler and its controller; undefined when neither has any.
   * Decorators are fixed once the application is built, so each handler's answer is kept: reading
   * the metadata again cost every public request more than the rest of this guard.
   */
  private requiredScopes(context: ExecutionContext): Scope[] | undefined {
    const handler = context.getHandler();
    if (this.scopesByHandler.has(handler)) return this.scopesByHandler.get(handler);
    const declared = this.reflector
      .getAll<(Scope[] | undefined)[]>(REQUIRED_SCOPES, [handler, context.getClass()])
      .filter((scopes): scopes is Scope[] => scopes !== undefined);
    const required = declared.length === 0 ? undefined : [...new Set(declared.flat())];
    this.scopesByHandler.set(handler, required);
    return required;
  }
}
