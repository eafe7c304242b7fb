import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import type { Scope } from '../config/scopes.js';
import type { TokenClaims } from './token.service.js';

export const REQUIRED_SCOPES = 'auth:required-scopes';

/**
 * Puts a route (or every route of a controller) behind a bearer token holding all the given
 * scopes; with no scope, any valid token will do. Routes without it stay public.
 *
 * It also documents the route in OpenAPI (`@ApiBearerAuth()`, the 401/403 answers and the scopes
 * as `x-required-scopes`), so an admin controller needs nothing else:
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
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', scopes),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No bearer token, or an invalid or expired one (WWW-Authenticate: Bearer)',
    }),
    ...(scopes.length > 0
      ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: `Token lacks: ${scopes.join(', ')}` })]
      : []),
  );
}

/** Request field where ScopesGuard leaves the verified token's claims. */
export interface AuthenticatedRequest extends FastifyRequest {
  auth?: TokenClaims;
}

/** The claims of the caller's token, on a route behind @RequireScopes. */
export const AuthClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TokenClaims | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
