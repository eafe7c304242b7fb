import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedRequest, REQUIRED_SCOPES } from './require-scopes.decorator.js';
import type { Scope } from '../config/scopes.js';
import { InvalidTokenError, TokenService } from './token.service.js';

// RFC 6750 §2.1 b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const REALM = 'realm="movie-reco"';

/**
 * Enforces @RequireScopes. Installed as a global guard by AuthModule (routes without the
 * decorator pass untouched); it also works with @UseGuards(ScopesGuard). Failures are thrown as
 * Nest exceptions so the global filter gives them the common error shape; the WWW-Authenticate
 * header follows RFC 6750 §3.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredScopes(context);
    if (required === undefined) return true;
    // Only HTTP routes carry bearer tokens; refuse rather than let another transport in unchecked.
    if (context.getType() !== 'http') return false;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();

    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
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
    return true;
  }

  /** The union of the scopes on the handler and its controller; undefined when neither has any. */
  private requiredScopes(context: ExecutionContext): Scope[] | undefined {
    const declared = this.reflector
      .getAll<(Scope[] | undefined)[]>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()])
      .filter((scopes): scopes is Scope[] => scopes !== undefined);
    return declared.length === 0 ? undefined : [...new Set(declared.flat())];
  }
}
