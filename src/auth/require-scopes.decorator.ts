import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiOAuth2 } from '@nestjs/swagger';
import { ApiErrorResponse } from '../common/api-error-response.js';
import type { Scope } from '../config/scopes.js';
import type { AuthenticatedRequest } from './request-claims.js';
import type { TokenClaims } from './token.service.js';

export const REQUIRED_SCOPES = 'auth:required-scopes';
export const SCOPES_SWITCH = 'auth:scopes-switch';
export const USER_PARAM = 'auth:user-param';

/**
 * Settings that decide at start whether a route's @RequireScopesWhen applies, each with the
 * environment variable that sets it (named in the OpenAPI document).
 */
export const SCOPES_SWITCHES = {
  userReads: 'USER_READS_REQUIRE_TOKEN',
} as const;
export type ScopesSwitch = keyof typeof SCOPES_SWITCHES;

/** The OpenAPI security schemes of guarded routes (declared in api-docs.ts). */
export const OAUTH2_SCHEME = 'oauth2';
export const BEARER_SCHEME = 'bearer';

/** OpenAPI extension naming the setting that makes a route's token optional. */
export const TOKEN_SWITCH_EXTENSION = 'x-token-required-when';

/**
 * Puts a route (or every route of a controller) behind a bearer token holding all the given
 * scopes; with no scope, any valid token will do. Routes without it stay public.
 *
 * It also documents the route in OpenAPI (the OAuth2 client-credentials scheme with the scopes,
 * a pasted bearer token as the alternative, the 401/403 answers and the scopes as
 * `x-required-scopes`), so an admin controller needs nothing else:
 *
 *   @ApiTags('admin')
 *   @RequireScopes('pipeline:read')
 *   @Controller('admin/pipeline')
 *   class PipelineAdminController { @Post('runs') @RequireScopes('pipeline:run') trigger() {…} }
 *
 * Given on both the controller and a handler, the scopes add up (the handler above needs
 * pipeline:read and pipeline:run).
 */
export function RequireScopes(...scopes: Scope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    // Alternatives: Swagger UI's Authorize gets the token itself (client credentials), or takes one
    // pasted from POST /oauth/token.
    ApiOAuth2(scopes, OAUTH2_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-required-scopes', scopes),
    ApiErrorResponse(401, {
      description: 'No bearer token, or an invalid or expired one (WWW-Authenticate: Bearer)',
      message: 'a bearer token is required: Authorization: Bearer <token>, from POST /oauth/token',
    }),
    ...(scopes.length > 0
      ? [
          ApiErrorResponse(403, {
            description: `The token lacks a scope: ${scopes.join(', ')}`,
            message: `the token lacks the scope(s): ${scopes.join(', ')}`,
          }),
        ]
      : []),
  );
}

/**
 * @RequireScopes that applies only when a setting says so (read once at start); otherwise the
 * route is public and a valid token, if sent, is still read into `request.auth`. For routes that
 * production guards and a development start leaves open, such as a user's recommendations:
 *
 *   @Get('users/:id/recommendations') @RequireScopesWhen('userReads', 'users:read') forUser() {…}
 *
 * The OpenAPI document shows the security requirement and names the setting; on an instance
 * where the setting is off, the requirement is marked optional (see documentTokenSwitches).
 */
export function RequireScopesWhen(setting: ScopesSwitch, ...scopes: Scope[]): MethodDecorator {
  return applyDecorators(
    RequireScopes(...scopes),
    SetMetadata(SCOPES_SWITCH, setting),
    ApiExtension(TOKEN_SWITCH_EXTENSION, `${SCOPES_SWITCHES[setting]}=true`),
  );
}

/**
 * Marks a guarded route that acts for the user its path parameter names (`/users/:id/…`): a client
 * bound to users (AUTH_CLIENTS `"users"`) gets 403 for a user outside them. Where the route is
 * open (@RequireScopesWhen off), nothing is checked.
 */
export function ActsForUser(param = 'id'): MethodDecorator {
  return SetMetadata(USER_PARAM, param);
}

/** The claims of the caller's token, on a route behind @RequireScopes. */
export const AuthClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TokenClaims | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
