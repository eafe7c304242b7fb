import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { RegistryService } from '../src/registry/registry.service.js';
import { bootApp, type TestApp } from './support/app.js';
import { AUTH_ENV, bearer, platformToken, productionAuthEnv, rateAsPlatform } from './support/auth.js';
import { cleanFixtureRatings } from './support/fixtures.js';

describe('recommendations served from the production model', () => {
  let t: TestApp;
  const run = () => t.app.get(PipelineRunner).run({ trigger: 'cli' });
  const servedVersion = async () => (await t.http.get('/users/1/recommendations')).body.modelVersion;
  const waitForVersion = async (version: number) => {
    for (let attempt = 0; attempt < 100 && (await servedVersion()) !== version; attempt++) await sleep(50);
    expect(await servedVersion()).toBe(version);
  };

  const rate = (userId: number, movieId: number) => rateAsPlatform(t, userId, movieId);

  beforeAll(async () => {
    t = await bootApp(AUTH_ENV);
  });
  afterAll(() => t.close());

  it('answers 503 before any model is in production', async () => {
    const { body } = await t.http.get('/users/1/recommendations').expect(503);
    expect(body.message).toMatch(/no model is in production yet/);
    await t.http.get('/movies/1/similar').expect(503);
  });

  it('serves the promoted version, never a movie the user rated', async () => {
    expect(await run()).toMatchObject({ status: 'succeeded' });
    await waitForVersion(1);
    const { body } = await t.http.get('/users/1/recommendations?limit=5').expect(200);
    expect(body).toMatchObject({ modelVersion: 1, fallback: null });
    expect(body.items).toHaveLength(5);
    const rated = new Set(
      cleanFixtureRatings()
        .filter((r) => r.userId === 1)
        .map((r) => r.movieId),
    );
    const ratedTitles = new Set(
      (await t.app.get(DataSource).query(`SELECT title FROM movies WHERE id = ANY($1)`, [[...rated]])).map(
        (row: { title: string }) => row.title,
      ),
    );
    for (const item of body.items) {
      expect(rated.has(item.movieId)).toBe(false);
      expect(item).toEqual({
        movieId: expect.any(Number),
        title: expect.any(String),
        genres: expect.any(Array),
        score: expect.any(Number),
        reason: expect.stringMatching(/^(because you rated .+|like the films you rated)$/),
      });
    }
    // Explained by films the user did rate.
    const because = body.items
      .map((item: { reason: string }) => /^because you rated (.+)$/.exec(item.reason)?.[1])
      .filter(Boolean);
    expect(because.length).toBeGreaterThan(0);
    for (const title of because) expect(ratedTitles.has(title)).toBe(true);
  });

  it('gives an unknown user popular movies, flagged as a fallback', async () => {
    const { body } = await t.http.get('/users/999999/recommendations?limit=3').expect(200);
    expect(body).toMatchObject({ modelVersion: 1, fallback: 'popularity' });
    expect(body.items.map((i: { reason: string }) => i.reason)).toEqual(
      Array(3).fill('popular with everyone'),
    );
  });

  it('filters by genre', async () => {
    const { body } = await t.http.get('/users/999999/recommendations?genre=drama&limit=3').expect(200);
    for (const item of body.items) expect(item.genres).toContain('Drama');
  });

  it('answers similar movies and a genre taste', async () => {
    const similar = await t.http.get('/movies/1/similar?limit=3').expect(200);
    expect(similar.body.items.map((i: { movieId: number }) => i.movieId)).not.toContain(1);
    await t.http.get('/movies/4242/similar').expect(404);
    const taste = await t.http
      .post('/users/recommendations?limit=3')
      .send({ comedy: 2, drama: 1 })
      .expect(200);
    expect(taste.body.items[0].reason).toBe('matches your taste for Comedy');
    const inBody = await t.http
      .post('/users/recommendations')
      .send({ comedy: 2, drama: 1, limit: 2 })
      .expect(200);
    expect(inBody.body.items).toEqual(taste.body.items.slice(0, 2));
    const bodyWins = await t.http
      .post('/users/recommendations?limit=3')
      .send({ comedy: 2, drama: 1, limit: 1 })
      .expect(200);
    expect(bodyWins.body.items).toHaveLength(1);
    for (const [limit, message] of [
      [0, 'limit must not be less than 1'],
      [101, 'limit must not be greater than 100'],
      [2.5, 'limit must be an integer'],
      ['5', 'limit must be an integer'],
    ] as const) {
      const { body } = await t.http.post('/users/recommendations').send({ comedy: 1, limit }).expect(400);
      expect(body.message).toContain(message);
    }
    await t.http.post('/users/recommendations').send({ comedy: -1 }).expect(400);
    await t.http.post('/users/recommendations').send({ space_opera: 1 }).expect(400);
  });

  describe("who may read a user's recommendations", () => {
    /** Another app on the same database, once it serves the production model to `headers`. */
    const bootServing = async (env: Record<string, string>, token?: (other: TestApp) => Promise<string>) => {
      const other = await bootApp({ ...AUTH_ENV, ...env }, t.db);
      const headers = token ? bearer(await token(other)) : {};
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await other.http.get('/users/1/recommendations').set(headers)).status === 200) break;
        await sleep(50);
      }
      await other.http.get('/users/1/recommendations').set(headers).expect(200);
      return other;
    };
    const security = async (app: TestApp) => {
      const { body } = await app.http.get('/docs-json').expect(200);
      return body.paths['/users/{id}/recommendations'].get;
    };

    it('in production takes a users:read token; taste, similar and catalog routes stay public', async () => {
      const prod = await bootServing(await productionAuthEnv(), (other) =>
        platformToken(other, 'users:read'),
      );
      try {
        const none = await prod.http.get('/users/1/recommendations').expect(401);
        expect(none.headers['www-authenticate']).toBe('Bearer realm="movie-reco"');
        expect(none.body).toMatchObject({
          statusCode: 401,
          error: 'Unauthorized',
          path: '/users/1/recommendations',
        });
        const wrong = await prod.http
          .get('/users/1/recommendations')
          .set(bearer(await platformToken(prod, 'feedback:read feedback:write')))
          .expect(403);
        expect(wrong.body.message).toBe('the token lacks the scope(s): users:read');
        const { body } = await prod.http
          .get('/users/1/recommendations?limit=5')
          .set(bearer(await platformToken(prod, 'users:read')))
          .expect(200);
        expect(body).toMatchObject({ modelVersion: 1, fallback: null });
        expect(body.items).toHaveLength(5);

        await prod.http.post('/users/recommendations').send({ comedy: 1 }).expect(200);
        await prod.http.get('/movies/1/similar').expect(200);
        await prod.http.get('/movies/1').expect(200);
        await prod.http.get('/movies?search=toy').expect(200);
        expect(await security(prod)).toMatchObject({
          security: [{ oauth2: ['users:read'] }, { bearer: [] }],
          'x-required-scopes': ['users:read'],
          'x-token-required-when': 'USER_READS_REQUIRE_TOKEN=true',
        });
      } finally {
        await prod.close({ keepDatabase: true });
      }
    });

    it('stays open on a development start, and says so in the OpenAPI document', async () => {
      await t.http.get('/users/1/recommendations').expect(200);
      const operation = await security(t);
      expect(operation.security).toEqual([{ oauth2: ['users:read'] }, { bearer: [] }, {}]);
      expect(operation.description).toContain('Open on this instance (USER_READS_REQUIRE_TOKEN=false)');
    });

    it('follows USER_READS_REQUIRE_TOKEN over NODE_ENV, either way', async () => {
      const openProd = await bootServing({
        ...(await productionAuthEnv()),
        USER_READS_REQUIRE_TOKEN: 'false',
      });
      try {
        await openProd.http.get('/users/1/recommendations').expect(200);
      } finally {
        await openProd.close({ keepDatabase: true });
      }
      const closedDev = await bootServing({ USER_READS_REQUIRE_TOKEN: 'true' }, (other) =>
        platformToken(other, 'users:read'),
      );
      try {
        await closedDev.http.get('/users/1/recommendations').expect(401);
        expect((await security(closedDev)).security).toEqual([{ oauth2: ['users:read'] }, { bearer: [] }]);
      } finally {
        await closedDev.close({ keepDatabase: true });
      }
    });
  });

  it('swaps in a newly promoted version with no failed request, and rolls back to the same answers', async () => {
    const before = (await t.http.get('/users/1/recommendations?limit=10').expect(200)).body;
    const failures: number[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const response = await t.http.get('/users/2/recommendations');
        if (response.status !== 200) failures.push(response.status);
      }
    })();
    expect(await run()).toMatchObject({ status: 'succeeded' });
    await waitForVersion(2);
    stop = true;
    await load;
    expect(failures).toEqual([]);

    await t.app.get(RegistryService).promote(1, 'roll back');
    await waitForVersion(1);
    const after = (await t.http.get('/users/1/recommendations?limit=10').expect(200)).body;
    // The same list, served again: a new list id.
    expect({ ...after, listId: undefined }).toEqual({ ...before, listId: undefined });
    expect(after.listId).not.toBe(before.listId);
    const [production] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM model_versions WHERE stage = 'production'`);
    expect(production.id).toBe(1);
  });

  it('never recommends a movie rated after training, and personalises for a new user who has rated', async () => {
    const top = (await t.http.get('/users/1/recommendations?limit=3').expect(200)).body.items[0];
    await rate(1, top.movieId);
    let ids: number[] = [top.movieId];
    for (let attempt = 0; attempt < 100 && ids.includes(top.movieId); attempt++) {
      await sleep(50);
      const { body } = await t.http.get('/users/1/recommendations?limit=30').expect(200);
      ids = body.items.map((item: { movieId: number }) => item.movieId);
    }
    expect(ids).not.toContain(top.movieId);

    // A user the model never saw: popularity until they rate, then a list built on their ratings.
    const newcomer = 777777;
    const popular = (await t.http.get(`/users/${newcomer}/recommendations?limit=3`).expect(200)).body;
    expect(popular.fallback).toBe('popularity');
    const liked = popular.items[0];
    await rate(newcomer, liked.movieId);
    let personal = popular;
    for (let attempt = 0; attempt < 100 && personal.fallback !== null; attempt++) {
      await sleep(50);
      personal = (await t.http.get(`/users/${newcomer}/recommendations?limit=5`).expect(200)).body;
    }
    expect(personal.fallback).toBeNull();
    expect(personal.items.map((item: { movieId: number }) => item.movieId)).not.toContain(liked.movieId);
    expect(personal.items[0].reason).toBe(`because you rated ${liked.title}`);
  });

  it('listens again after its connection drops, and catches up on a promotion it missed', async () => {
    const served = await servedVersion();
    const other = served === 1 ? 2 : 1;
    const terminated = await t.app
      .get(DataSource)
      .query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
      );
    expect(terminated).toHaveLength(1);
    // Announced while nobody listens: the reconnect must notice on its own.
    await t.app.get(RegistryService).promote(other, 'promoted while the listener was away');
    await waitForVersion(other);
  });
});
