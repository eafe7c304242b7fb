import { API_TAGS } from '../src/api-docs.js';
import { SCOPES } from '../src/config/scopes.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV, bearer } from './support/auth.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is read as plain JSON */
type Operation = { method: string; route: string; operation: any };

/** What Swagger UI shows a person who reads /docs without the source: /docs-json checked. */
describe('the OpenAPI document behind Swagger UI', () => {
  let t: TestApp;
  let document: any;
  let operations: Operation[];
  const admin = async (scope?: string) => bearer(await adminToken(t, scope));

  /** The documented example of one answer. */
  const exampleOf = (method: string, route: string, status: number) => {
    const example =
      document.paths[route]?.[method]?.responses?.[status]?.content?.['application/json']?.example;
    if (!example) throw new Error(`${method.toUpperCase()} ${route} documents no example for ${status}`);
    return example;
  };

  beforeAll(async () => {
    t = await bootApp(AUTH_ENV);
    document = (await t.http.get('/docs-json').expect(200)).body;
    operations = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods as Record<string, unknown>).map(([method, operation]) => ({
        method,
        route,
        operation,
      })),
    );
  });
  afterAll(() => t.close());

  it('gives every operation a summary and one tag, the public tags listed before the admin ones', () => {
    expect(operations.length).toBeGreaterThanOrEqual(22);
    const tags = API_TAGS.map(([name]) => name);
    for (const { method, route, operation } of operations) {
      expect({ at: `${method} ${route}`, summary: operation.summary }).toEqual({
        at: `${method} ${route}`,
        summary: expect.stringMatching(/\S{3}/),
      });
      expect(operation.tags).toHaveLength(1);
      expect(tags).toContain(operation.tags[0]);
    }
    expect(document.tags.map((tag: { name: string }) => tag.name)).toEqual([
      'recommendations',
      'catalog',
      'feedback',
      'health & monitoring',
      'admin: pipeline',
      'admin: data',
      'admin: models',
      'auth',
    ]);
  });

  it('authorizes with OAuth2 client credentials at /oauth/token, every scope described, a pasted token beside it', () => {
    const { oauth2, bearer: pasted } = document.components.securitySchemes;
    expect(oauth2.type).toBe('oauth2');
    expect(Object.keys(oauth2.flows)).toEqual(['clientCredentials']);
    expect(oauth2.flows.clientCredentials.tokenUrl).toBe('/oauth/token');
    const scopes = oauth2.flows.clientCredentials.scopes as Record<string, string>;
    expect(Object.keys(scopes).sort()).toEqual([...SCOPES].sort());
    for (const description of Object.values(scopes)) expect(description).toMatch(/\w{3}/);
    expect(pasted).toMatchObject({ type: 'http', scheme: 'bearer' });

    const guarded = operations.filter(({ operation }) => operation['x-required-scopes']);
    expect(guarded.length).toBeGreaterThanOrEqual(14);
    for (const { operation } of guarded) {
      expect(operation.security.slice(0, 2)).toEqual([
        { oauth2: operation['x-required-scopes'] },
        { bearer: [] },
      ]);
    }
  });

  it("issues a token to the request Swagger UI's Authorize sends (HTTP Basic, form body, scope)", async () => {
    // Swagger UI's client-credentials flow: credentials in Basic, the ticked scopes space-separated.
    const { body } = await t.http
      .post(document.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl)
      .auth('admin', 'admin-secret-0123456789')
      .type('form')
      .send('grant_type=client_credentials&scope=models%3Aread')
      .expect(200);
    expect(body.scope).toBe('models:read');
    await t.http.get('/admin/models').set(bearer(body.access_token)).expect(200);
  });

  it('shows the error bodies the routes really answer', async () => {
    const checks: {
      method: 'get' | 'post';
      route: string;
      status: number;
      headers?: object;
      body?: object;
    }[] = [
      { method: 'get', route: '/movies', status: 400 },
      { method: 'get', route: '/movies/{id}', status: 400 },
      { method: 'get', route: '/movies/{id}', status: 404 },
      { method: 'get', route: '/users/{id}/recommendations', status: 503 },
      { method: 'get', route: '/users/{id}/recommendations', status: 400 },
      { method: 'get', route: '/movies/{id}/similar', status: 503 },
      { method: 'post', route: '/users/recommendations', status: 400, body: { comedy: 'lots' } },
      { method: 'get', route: '/admin/whoami', status: 401 },
      { method: 'get', route: '/admin/models', status: 403, headers: await admin('pipeline:read') },
      { method: 'get', route: '/admin/models/{id}', status: 404, headers: await admin() },
      { method: 'get', route: '/admin/pipeline/runs/{id}', status: 404, headers: await admin() },
      { method: 'get', route: '/admin/batches/{id}/quarantine', status: 404, headers: await admin() },
      {
        method: 'post',
        route: '/admin/models/{id}/promote',
        status: 400,
        headers: await admin(),
        body: { reason: 'x'.repeat(501) },
      },
    ];
    for (const check of checks) {
      const example = exampleOf(check.method, check.route, check.status);
      const call = t.http[check.method](example.path).set({ ...check.headers });
      const answer = await (check.body ? call.send(check.body) : call);
      const { timestamp, ...documented } = example;
      expect({ at: `${check.method} ${check.route}`, status: answer.status, body: answer.body }).toEqual({
        at: `${check.method} ${check.route}`,
        status: check.status,
        body: { ...documented, timestamp: expect.any(String) },
      });
      expect(new Date(timestamp).toISOString()).toBe(timestamp);
    }
  });

  describe('once a model serves', () => {
    /** "because you rated Heat (1995)" → "because you": the kind of reason, without the title. */
    const kind = (reason: string) => reason.split(' ').slice(0, 2).join(' ');
    const itemKeys = (list: { items: object[] }) => Object.keys(list.items[0]!).sort();

    beforeAll(async () => {
      expect(await t.app.get(PipelineRunner).run({ trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await t.http.get('/movies/1/similar')).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    it('documents recommendation lists with reasons the model gives', async () => {
      const routes = [
        {
          method: 'get' as const,
          route: '/users/{id}/recommendations',
          answers: await Promise.all([1, 2, 3, 4, 5].map((id) => t.http.get(`/users/${id}/recommendations`))),
        },
        {
          method: 'get' as const,
          route: '/movies/{id}/similar',
          answers: [await t.http.get('/movies/1/similar')],
        },
        {
          method: 'post' as const,
          route: '/users/recommendations',
          answers: [await t.http.post('/users/recommendations').send({ action: 5, sci_fi: 4, comedy: 1 })],
        },
      ];
      for (const { method, route, answers } of routes) {
        const example = exampleOf(method, route, 200);
        const given = answers.map((answer) => answer.body);
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        expect(Object.keys(example).sort()).toEqual(Object.keys(given[0]).sort());
        expect(itemKeys(example)).toEqual(itemKeys(given[0]));
        expect(given.map((list) => list.fallback)).toContain(example.fallback);
        const kinds = new Set(given.flatMap((list) => list.items.map((item: any) => kind(item.reason))));
        expect({ route, kinds: [...kinds] }).toEqual({
          route,
          kinds: expect.arrayContaining([kind(example.items[0].reason)]),
        });
      }
    });

    it('documents promote with the 201 it answers', async () => {
      const { body } = await t.http
        .get('/admin/models')
        .set(await admin())
        .expect(200);
      const promote = document.paths['/admin/models/{id}/promote'].post;
      await t.http
        .post(`/admin/models/${body.items[0].id}/promote`)
        .set(await admin())
        .send({})
        .expect(201);
      expect(Object.keys(promote.responses).filter((status) => status.startsWith('2'))).toEqual(['201']);
    });
  });
});
