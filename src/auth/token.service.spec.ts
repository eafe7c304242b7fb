import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { OAuthException } from './oauth-error.js';
import type { TokenRequest } from './token-request.js';
import { InvalidTokenError, TokenService } from './token.service.js';

const JWT_SECRET = 'unit-test-jwt-secret-of-at-least-32-chars';
const OPS = { id: 'ops', secret: 'ops-secret-0123456789', scopes: ['pipeline:run', 'data:read'] };

function tokenService(env: Record<string, string> = {}): TokenService {
  return new TokenService(
    AppConfig.fromEnvironment({}, { AUTH_CLIENTS: JSON.stringify([OPS]), JWT_SECRET, ...env }),
  );
}

const request = (overrides: Partial<TokenRequest> = {}): TokenRequest => ({
  clientId: OPS.id,
  clientSecret: OPS.secret,
  viaBasicAuth: false,
  ...overrides,
});

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('TokenService', () => {
  afterEach(() => vi.useRealTimers());

  it("issues a token for all the client's scopes by default, and verifies it", () => {
    const tokens = tokenService();
    const response = tokens.issue(request());
    expect(response).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'pipeline:run data:read',
    });
    const claims = tokens.verify(response.access_token);
    expect(claims.clientId).toBe('ops');
    expect(claims.scopes).toEqual(['pipeline:run', 'data:read']);
    expect(Math.abs(claims.expiresAt.getTime() - Date.now() - 3600_000)).toBeLessThan(5_000);
  });

  it('issues a subset of the scopes when asked', () => {
    const tokens = tokenService();
    const response = tokens.issue(request({ scope: 'data:read' }));
    expect(response.scope).toBe('data:read');
    expect(tokens.verify(response.access_token).scopes).toEqual(['data:read']);
  });

  it('refuses scopes beyond the client’s with invalid_scope', () => {
    const error = errorOf(() => tokenService().issue(request({ scope: 'data:read models:write' })));
    expect(error).toBeInstanceOf(OAuthException);
    expect((error as OAuthException).code).toBe('invalid_scope');
    expect((error as OAuthException).description).toContain('models:write');
  });

  it('refuses a wrong secret or an unknown client with invalid_client', () => {
    for (const wrong of [request({ clientSecret: 'nope' }), request({ clientId: 'nobody' })]) {
      const error = errorOf(() => tokenService().issue(wrong)) as OAuthException;
      expect(error.code).toBe('invalid_client');
      expect(error.getStatus()).toBe(401);
    }
  });

  it('issues nothing and accepts nothing when no client is configured', () => {
    const tokens = new TokenService(AppConfig.fromEnvironment({}, {}));
    expect((errorOf(() => tokens.issue(request())) as OAuthException).code).toBe('invalid_client');
    const token = tokenService().issue(request()).access_token;
    expect(errorOf(() => tokens.verify(token))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token', () => {
    vi.useFakeTimers({ now: Date.now() });
    const tokens = tokenService({ JWT_TTL_SECONDS: '60' });
    const token = tokens.issue(request()).access_token;
    vi.setSystemTime(Date.now() + 61_000);
    const error = errorOf(() => tokens.verify(token));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toBe('the access token has expired');
  });

  it('refuses a token signed with another secret, or altered', () => {
    const forged = new JwtService({ secret: 'another-secret-of-at-least-32-characters' }).sign(
      { client_id: 'ops', scope: 'pipeline:run' },
      { subject: 'ops', issuer: 'movie-reco', audience: 'movie-reco-admin', expiresIn: 60 },
    );
    expect(errorOf(() => tokenService().verify(forged)).message).toBe('the access token is invalid');

    const token = tokenService().issue(request({ scope: 'data:read' })).access_token;
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'ops', scope: 'pipeline:run', exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    expect(errorOf(() => tokenService().verify(`${header}.${payload}.${signature}`))).toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an unsigned ("alg: none") token', () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'ops', scope: 'data:read', exp, iss: 'movie-reco', aud: 'movie-reco-admin' })}.`;
    expect(errorOf(() => tokenService().verify(token))).toBeInstanceOf(InvalidTokenError);
  });

  it('follows the configuration over the token: a removed client or scope no longer counts', () => {
    const token = tokenService().issue(request()).access_token;
    const narrowed = tokenService({
      AUTH_CLIENTS: JSON.stringify([{ ...OPS, scopes: ['data:read'] }]),
    });
    expect(narrowed.verify(token).scopes).toEqual(['data:read']);
    const gone = tokenService({
      AUTH_CLIENTS: JSON.stringify([{ id: 'other', secret: OPS.secret, scopes: ['data:read'] }]),
    });
    expect(errorOf(() => gone.verify(token)).message).toBe('the access token belongs to an unknown client');
  });
});
