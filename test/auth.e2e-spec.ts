import { JwtService } from '@nestjs/jwt';
import { clientToken } from './support/auth.js';
import { bootApp, type TestApp } from './support/app.js';

const JWT_SECRET = 'e2e-jwt-secret-of-at-least-32-characters';
const OPS = {
  id: 'ops',
  secret: 'ops-secret-0123456789',
  scopes: ['pipeline:run', 'pipeline:read', 'data:read'],
};
const FORM = 'application/x-www-form-urlencoded';

describe('auth: OAuth2 client credentials and admin routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ AUTH_CLIENTS: JSON.stringify([OPS]), JWT_SECRET, JWT_TTL_SECONDS: '600' });
  });
  afterAll(() => t.close());

  const token = (scope?: string): Promise<string> => clientToken(t, OPS, scope);

  describe('POST /oauth/token', () => {
    it('issues a token from a form body, with every scope of the client by default', async () => {
      const response = await t.http
        .post('/oauth/token')
        .set('content-type', FORM)
        .send(`grant_type=client_credentials&client_id=ops&client_secret=${OPS.secret}`)
        .expect(200);
      expect(response.body).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'pipeline:run pipeline:read data:read',
      });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
    });

    it('issues a token from a JSON body, for a subset of the scopes', async () => {
      const { body } = await t.http
        .post('/oauth/token')
        .send({
          grant_type: 'client_credentials',
          client_id: 'ops',
          client_secret: OPS.secret,
          scope: 'data:read',
        })
        .expect(200);
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'data:read' });
    });

    it('accepts the client credentials with HTTP Basic', async () => {
      const { body } = await t.http
        .post('/oauth/token')
        .auth(OPS.id, OPS.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
      expect(body.token_type).toBe('Bearer');
    });

    it('answers 401 invalid_client for a wrong secret, in the RFC 6749 error shape', async () => {
      const { body } = await t.http
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: 'ops', client_secret: 'wrong-secret-0123456' })
        .expect(401);
      expect(body).toEqual({ error: 'invalid_client', error_description: 'unknown client or wrong secret' });
    });

    it('challenges with Basic when the wrong credentials came with HTTP Basic', async () => {
      const response = await t.http
        .post('/oauth/token')
        .auth('ops', 'wrong')
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="movie-reco"');
    });

    it('answers 400 unsupported_grant_type for another grant', async () => {
      const { body } = await t.http
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'password', client_id: 'ops', client_secret: OPS.secret })
        .expect(400);
      expect(body.error).toBe('unsupported_grant_type');
    });

    it('answers 400 invalid_request without grant_type', async () => {
      const { body } = await t.http.post('/oauth/token').send({ client_id: 'ops' }).expect(400);
      expect(body.error).toBe('invalid_request');
    });

    it('answers 400 invalid_scope for scopes beyond the client’s', async () => {
      const { body } = await t.http
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_id: 'ops',
          client_secret: OPS.secret,
          scope: 'data:read models:write',
        })
        .expect(400);
      expect(body.error).toBe('invalid_scope');
      expect(body.error_description).toContain('models:write');
    });
  });

  describe('GET /admin/whoami', () => {
    it('answers 401 in the common error shape with a Bearer challenge without a token', async () => {
      const response = await t.http.get('/admin/whoami').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="movie-reco"');
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', path: '/admin/whoami' });
    });

    it('answers 401 for a garbage token', async () => {
      const response = await t.http.get('/admin/whoami').set('authorization', 'Bearer garbage').expect(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(response.body).toMatchObject({ statusCode: 401, message: 'the access token is invalid' });
    });

    it('answers 401 for an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = new JwtService({ secret: JWT_SECRET }).sign(
        { client_id: 'ops', scope: 'data:read', iat: now - 700, exp: now - 100 },
        { subject: 'ops', issuer: 'movie-reco', audience: 'movie-reco-admin' },
      );
      const { body } = await t.http.get('/admin/whoami').auth(expired, { type: 'bearer' }).expect(401);
      expect(body.message).toBe('the access token has expired');
    });

    it('answers 401 for a validly signed token that lives longer than JWT_TTL_SECONDS', async () => {
      const now = Math.floor(Date.now() / 1000);
      const tenYears = new JwtService({ secret: JWT_SECRET }).sign(
        { client_id: 'ops', scope: 'data:read', iat: now, exp: now + 10 * 365 * 86_400 },
        { subject: 'ops', issuer: 'movie-reco', audience: 'movie-reco-admin' },
      );
      const response = await t.http.get('/admin/whoami').auth(tenYears, { type: 'bearer' }).expect(401);
      expect(response.body.message).toBe('the access token lives longer than this server allows');
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('tells the client, scopes and expiry of a valid token', async () => {
      const { body } = await t.http
        .get('/admin/whoami')
        .auth(await token('pipeline:read data:read'), { type: 'bearer' })
        .expect(200);
      expect(body).toEqual({
        client_id: 'ops',
        scopes: ['pipeline:read', 'data:read'],
        expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const left = Date.parse(body.expires_at) - Date.now();
      expect(left).toBeGreaterThan(500_000);
      expect(left).toBeLessThanOrEqual(600_000);
    });

    it('leaves public routes public', async () => {
      await t.http.get('/movies?limit=1').expect(200);
    });
  });

  it('documents the client-credentials and bearer schemes and the admin route in OpenAPI', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe('/oauth/token');
    expect(body.paths['/admin/whoami'].get.security).toEqual([{ oauth2: [] }, { bearer: [] }]);
    expect(body.paths['/oauth/token'].post.requestBody.content).toHaveProperty([FORM]);
  });
});

describe('auth without configured clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('answers invalid_client on the token endpoint and 401 on admin routes', async () => {
    const { body } = await t.http
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'ops', client_secret: OPS.secret })
      .expect(401);
    expect(body.error).toBe('invalid_client');
    await t.http.get('/admin/whoami').set('authorization', 'Bearer x.y.z').expect(401);
  });
});
