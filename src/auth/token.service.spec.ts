import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { OAuthException } from './oauth-error.js';
import type { TokenRequest } from './token-request.js';
import { InvalidTokenError, TokenService } from './token.service.js';
import { hashSecret } from '../config/secret-hash.js';

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

async function errorOf(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const signed = (payload: object, secret = JWT_SECRET) =>
  new JwtService({ secret }).sign(payload, {
    subject: 'ops',
    issuer: 'movie-reco',
    audience: 'movie-reco-admin',
  });

describe('TokenService', async () => {
  afterEach(() => vi.useRealTimers());

  it("issues a token for all the client's scopes by default, and verifies it", async () => {
    const tokens = tokenService();
    const response = await tokens.issue(request());
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

  it('issues a subset of the scopes when asked', async () => {
    const tokens = tokenService();
    const response = await tokens.issue(request({ scope: 'data:read' }));
    expect(response.scope).toBe('data:read');
    expect(tokens.verify(response.access_token).scopes).toEqual(['data:read']);
  });

  it('refuses scopes beyond the client’s with invalid_scope', async () => {
    const error = await errorOf(() => tokenService().issue(request({ scope: 'data:read models:write' })));
    expect(error).toBeInstanceOf(OAuthException);
    expect((error as OAuthException).code).toBe('invalid_scope');
    expect((error as OAuthException).description).toContain('models:write');
  });

  it('names back only real scopes it refuses, so a secret typed into scope is not echoed', async () => {
    const error = (await errorOf(() =>
      tokenService().issue(request({ scope: 'models:write Vq3kZ8pL2xW9mR7tY4bN data:read' })),
    )) as OAuthException;
    expect(error.code).toBe('invalid_scope');
    expect(error.description).toBe(
      'scope not granted to this client: models:write, 1 unknown scope (allowed: pipeline:run data:read)',
    );
  });

  it('refuses a wrong secret or an unknown client with invalid_client', async () => {
    for (const wrong of [request({ clientSecret: 'nope' }), request({ clientId: 'nobody' })]) {
      const error = (await errorOf(() => tokenService().issue(wrong))) as OAuthException;
      expect(error.code).toBe('invalid_client');
      expect(error.getStatus()).toBe(401);
    }
  });

  it('issues nothing and accepts nothing when no client is configured', async () => {
    const tokens = new TokenService(AppConfig.fromEnvironment({}, {}));
    expect(((await errorOf(() => tokens.issue(request()))) as OAuthException).code).toBe('invalid_client');
    const token = (await tokenService().issue(request())).access_token;
    expect(await errorOf(() => tokens.verify(token))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token', async () => {
    vi.useFakeTimers({ now: Date.now() });
    const tokens = tokenService({ JWT_TTL_SECONDS: '60' });
    const token = (await tokens.issue(request())).access_token;
    vi.setSystemTime(Date.now() + 61_000);
    const error = await errorOf(() => tokens.verify(token));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toBe('the access token has expired');
  });

  it('refuses a token signed with another secret, or altered', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = signed(
      { client_id: 'ops', scope: 'pipeline:run', iat: now, exp: now + 60 },
      'another-secret-of-at-least-32-characters',
    );
    expect((await errorOf(() => tokenService().verify(forged))).message).toBe('the access token is invalid');

    const token = (await tokenService().issue(request({ scope: 'data:read' }))).access_token;
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'ops', scope: 'pipeline:run', exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    expect(await errorOf(() => tokenService().verify(`${header}.${payload}.${signature}`))).toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an unsigned ("alg: none") token', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'ops', scope: 'data:read', exp, iss: 'movie-reco', aud: 'movie-reco-admin' })}.`;
    expect(await errorOf(() => tokenService().verify(token))).toBeInstanceOf(InvalidTokenError);
  });

  it('follows the configuration over the token: a removed client or scope no longer counts', async () => {
    const token = (await tokenService().issue(request())).access_token;
    const narrowed = tokenService({
      AUTH_CLIENTS: JSON.stringify([{ ...OPS, scopes: ['data:read'] }]),
    });
    expect(narrowed.verify(token).scopes).toEqual(['data:read']);
    const gone = tokenService({
      AUTH_CLIENTS: JSON.stringify([{ id: 'other', secret: OPS.secret, scopes: ['data:read'] }]),
    });
    expect((await errorOf(() => gone.verify(token))).message).toBe(
      'the access token belongs to an unknown client',
    );
  });

  it('refuses a validly signed token that lives longer than the configured lifetime', async () => {
    const tokens = tokenService({ JWT_TTL_SECONDS: '600' });
    const now = Math.floor(Date.now() / 1000);
    const tenYears = signed({ client_id: 'ops', scope: 'data:read', iat: now, exp: now + 10 * 365 * 86_400 });
    expect((await errorOf(() => tokens.verify(tenYears))).message).toBe(
      'the access token lives longer than this server allows',
    );
    const future = signed({ client_id: 'ops', scope: 'data:read', iat: now + 3600, exp: now + 3900 });
    expect(await errorOf(() => tokens.verify(future))).toBeInstanceOf(InvalidTokenError);
    const noIat = signed({ client_id: 'ops', scope: 'data:read', exp: now + 60 }).split('.');
    // jsonwebtoken adds iat itself; a token without one is hand-made.
    const bare = Buffer.from(JSON.stringify({ sub: 'ops', scope: 'data:read', exp: now + 60 })).toString(
      'base64url',
    );
    expect(await errorOf(() => tokens.verify(`${noIat[0]}.${bare}.${noIat[2]}`))).toBeInstanceOf(
      InvalidTokenError,
    );
    const withinSkew = signed({ client_id: 'ops', scope: 'data:read', iat: now, exp: now + 620 });
    expect(tokens.verify(withinSkew).clientId).toBe('ops');
  });

  it('authenticates a client whose secret is configured as its scrypt hash', async () => {
    const hashed = { ...OPS, secret: await hashSecret(OPS.secret) };
    const tokens = tokenService({ AUTH_CLIENTS: JSON.stringify([hashed]) });
    const response = await tokens.issue(request());
    expect(tokens.verify(response.access_token).clientId).toBe('ops');
    const wrong = (await errorOf(() =>
      tokens.issue(request({ clientSecret: `${OPS.secret}x` })),
    )) as OAuthException;
    expect(wrong.code).toBe('invalid_client');
    // The hash itself is not a password.
    const hashAsSecret = (await errorOf(() =>
      tokens.issue(request({ clientSecret: hashed.secret })),
    )) as OAuthException;
    expect(hashAsSecret.code).toBe('invalid_client');
    const unknown = (await errorOf(() => tokens.issue(request({ clientId: 'nobody' })))) as OAuthException;
    expect(unknown.code).toBe('invalid_client');
  });
});
