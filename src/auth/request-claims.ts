import type { FastifyRequest } from 'fastify';
import { InvalidTokenError, type TokenClaims, type TokenService } from './token.service.js';

/** Request field where the verified token's claims are left (see requestClaims and ScopesGuard). */
export interface AuthenticatedRequest extends FastifyRequest {
  auth?: TokenClaims;
}

// RFC 6750 §2.1 b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The bearer token of the Authorization header, or undefined when there is none or it is malformed. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  return BEARER.exec(request.headers.authorization ?? '')?.[1];
}

// Requests whose token was found missing or invalid, so it is checked once per request.
const refused = new WeakSet<FastifyRequest>();

/**
 * The claims of the request's bearer token when it carries a valid one, else undefined; left on
 * `request.auth` so the token is verified once per request. ScopesGuard fills it on guarded
 * routes; code that runs before the guard (a Fastify hook, such as a rate limiter keyed by client
 * id) or on public routes calls this. It never refuses a request: that is the guard's job.
 */
export function requestClaims(request: AuthenticatedRequest, tokens: TokenService): TokenClaims | undefined {
  if (request.auth || refused.has(request)) return request.auth;
  const token = bearerTokenOf(request);
  try {
    if (token) request.auth = tokens.verify(token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
  }
  if (!request.auth) refused.add(request);
  return request.auth;
}
