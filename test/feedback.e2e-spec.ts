import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { AUTH_ENV, adminToken, bearer, platformToken } from './support/auth.js';
import { FIXTURE_DIR } from './support/fixtures.js';

/** A user's ratings in the well-formed part of the fixture, newest first (ties by movie id). */
function fixtureRatingsOf(userId: number) {
  return readFileSync(join(FIXTURE_DIR, 'ratings.csv'), 'latin1')
    .split('\n')
    .slice(1, 225)
    .map((line) => line.split(',').map(Number) as [number, number, number, number])
    .filter(([user]) => user === userId)
    .map(([, movieId, rating, timestamp]) => ({ movieId, rating, timestamp }))
    .sort((a, b) => b.timestamp - a.timestamp || a.movieId - b.movieId);
}

describe('feedback API', () => {
  let t: TestApp;
  let db: DataSource;
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    t = await bootApp(AUTH_ENV);
    await loadAll(t);
    db = t.app.get(DataSource);
    writer = await platformToken(t, 'feedback:write');
    reader = await platformToken(t, 'feedback:read');
  });
  afterAll(() => t.close());

  /** As the platform backend: writes with a feedback:write token, reads with a feedback:read one. */
  const post = (path: string) => t.http.post(path).set(bearer(writer));
  const get = (path: string) => t.http.get(path).set(bearer(reader));

  const stored = async (userId: number, movieId: number) =>
    (
      await db.query<{ rating: number; source: string; batch_id: number | null; rated_at: Date }[]>(
        'SELECT rating, source, batch_id, rated_at FROM ratings WHERE user_id = $1 AND movie_id = $2',
        [userId, movieId],
      )
    )[0];

  describe('POST /users/:id/ratings', () => {
    it('stores a new rating as pending feedback and answers 201', async () => {
      const before = Date.now();
      const { body } = await post('/users/500/ratings').send({ movieId: 3, rating: 4.5 }).expect(201);
      expect(body).toEqual({
        userId: 500,
        movieId: 3,
        rating: 4.5,
        ratedAt: expect.any(String),
        source: 'feedback',
        pending: true,
        clientId: 'platform',
      });
      expect(new Date(body.ratedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(new Date(body.ratedAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await stored(500, 3)).toEqual({
        rating: 4.5,
        source: 'feedback',
        batch_id: null,
        rated_at: new Date(body.ratedAt),
      });
    });

    it('replaces an earlier rating of the same movie: the latest wins', async () => {
      const first = await post('/users/501/ratings').send({ movieId: 7, rating: 2 }).expect(201);
      const second = await post('/users/501/ratings').send({ movieId: 7, rating: 5 }).expect(201);
      expect(new Date(second.body.ratedAt).getTime()).toBeGreaterThan(new Date(first.body.ratedAt).getTime());
      const { body } = await get('/users/501/ratings').expect(200);
      expect(body).toEqual({
        items: [
          {
            movieId: 7,
            title: expect.any(String),
            rating: 5,
            ratedAt: second.body.ratedAt,
            source: 'feedback',
            pending: true,
            clientId: 'platform',
          },
        ],
        total: 1,
        page: 1,
        limit: 20,
      });
    });

    it('replaces a dataset rating and makes it pending again', async () => {
      const [oldest] = fixtureRatingsOf(1).slice(-1);
      const before = await get('/users/1/ratings?limit=100').expect(200);
      expect(before.body.items.find((r: { movieId: number }) => r.movieId === oldest!.movieId)).toMatchObject(
        {
          source: 'dataset',
          pending: false,
        },
      );
      await post('/users/1/ratings').send({ movieId: oldest!.movieId, rating: 0.5 }).expect(201);
      const { body } = await get('/users/1/ratings?limit=100').expect(200);
      expect(body.total).toBe(before.body.total);
      expect(body.items[0]).toMatchObject({
        movieId: oldest!.movieId,
        rating: 0.5,
        source: 'feedback',
        pending: true,
        clientId: 'platform',
      });
      // Replaced for training, not overwritten: the dataset rating is kept as history.
      const history = await db.query<{ rating: number; source: string; batch_id: number | null }[]>(
        'SELECT rating, source, batch_id FROM rating_history WHERE user_id = 1 AND movie_id = $1',
        [oldest!.movieId],
      );
      expect(history).toEqual([{ rating: oldest!.rating, source: 'dataset', batch_id: expect.any(Number) }]);
    });

    it('answers 404 for a movie not in the catalog and stores nothing', async () => {
      const { body } = await post('/users/502/ratings').send({ movieId: 4242, rating: 3 }).expect(404);
      expect(body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'movie 4242 not found',
        path: '/users/502/ratings',
        timestamp: expect.any(String),
      });
      expect(await stored(502, 4242)).toBeUndefined();
    });

    it.each([
      [{ movieId: 1, rating: 0 }, 'rating must be between 0.5 and 5.0 in steps of 0.5'],
      [{ movieId: 1, rating: 5.5 }, 'rating must be between 0.5 and 5.0 in steps of 0.5'],
      [{ movieId: 1, rating: 3.3 }, 'rating must be between 0.5 and 5.0 in steps of 0.5'],
      [{ movieId: 1, rating: '4' }, 'rating must be a number'],
      [{ movieId: 1 }, 'rating must be a number'],
      [{ movieId: '1', rating: 4 }, 'movieId must be a positive integer'],
      [{ movieId: 0, rating: 4 }, 'movieId must be a positive integer'],
      [{ movieId: 2.5, rating: 4 }, 'movieId must be a positive integer'],
      [
        { movieId: 1, rating: 4, comment: 'loved it' },
        'property comment should not exist; accepted: movieId, rating',
      ],
      [{ movieId: 1, rating: 4, userId: 7 }, 'property userId should not exist; accepted: movieId, rating'],
    ])('answers 400 to %j: %s', async (payload, message) => {
      const { body } = await post('/users/503/ratings').send(payload).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', path: '/users/503/ratings' });
      expect(body.message).toBe(message);
      expect(await stored(503, 1)).toBeUndefined();
    });

    it.each([
      ['0', 'id must be a positive integer'],
      ['-3', 'id must be a positive integer'],
      ['abc', 'id must be a positive integer'],
      ['0x10', 'id must be a positive integer'],
      ['1e3', 'id must be a positive integer'],
      ['+5', 'id must be a positive integer'],
      ['%205', 'id must be a positive integer'],
      ['5.0', 'id must be a positive integer'],
      ['2147483648', 'id must be at most 2147483647'],
    ])('answers 400 to the user id %j', async (id, message) => {
      const posted = await post(`/users/${id}/ratings`).send({ movieId: 1, rating: 4 }).expect(400);
      expect(posted.body.message).toBe(message);
      const read = await get(`/users/${id}/ratings`).expect(400);
      expect(read.body.message).toBe(message);
    });

    it('answers odd bodies with 4xx, never 5xx', async () => {
      const bodies: [string, string][] = [
        ['application/json', '{bad json'],
        ['application/json', '[{"movieId": 1, "rating": 4}]'],
        ['application/json', 'null'],
        ['application/json', '"4"'],
        ['application/json', '{"movieId": 1e400, "rating": 4}'],
        ['application/json', '{"movieId": 1, "rating": 4, "__proto__": {"x": 1}}'],
        ['text/plain', 'movieId=1&rating=4'],
        ['application/x-www-form-urlencoded', 'movieId=1&rating=4'],
      ];
      for (const [type, payload] of bodies) {
        const response = await post('/users/504/ratings').set('content-type', type).send(payload);
        expect({ payload, status: response.status >= 400 && response.status < 500 }).toEqual({
          payload,
          status: true,
        });
      }
      expect(await stored(504, 1)).toBeUndefined();
    });
  });

  describe('GET /users/:id/ratings', () => {
    it('pages through the ratings newest first with the total', async () => {
      const expected = fixtureRatingsOf(2);
      expect(expected.length).toBeGreaterThan(5);
      const seen: unknown[] = [];
      for (let page = 1; (page - 1) * 5 < expected.length; page++) {
        const { body } = await get(`/users/2/ratings?page=${page}&limit=5`).expect(200);
        expect(body).toMatchObject({ total: expected.length, page, limit: 5 });
        seen.push(...body.items);
      }
      expect(seen).toEqual(
        expected.map((r) => ({
          movieId: r.movieId,
          title: expect.any(String),
          rating: r.rating,
          ratedAt: new Date(r.timestamp * 1000).toISOString(),
          source: 'dataset',
          pending: false,
          clientId: null,
        })),
      );
      const beyond = await get('/users/2/ratings?page=100&limit=5').expect(200);
      expect(beyond.body).toEqual({ items: [], total: expected.length, page: 100, limit: 5 });
    });

    it('puts a new feedback rating first and names the movie', async () => {
      await post('/users/3/ratings').send({ movieId: 1, rating: 1.5 }).expect(201);
      const { body } = await get('/users/3/ratings?limit=1').expect(200);
      expect(body.items).toEqual([
        expect.objectContaining({ movieId: 1, title: 'Toy Story (1995)', rating: 1.5, pending: true }),
      ]);
      expect(body.total).toBeGreaterThan(1);
    });

    it('breaks ties of the same moment by movie id', async () => {
      for (const movieId of [9, 4, 6]) {
        await post('/users/506/ratings').send({ movieId, rating: 4 }).expect(201);
      }
      await db.query(`UPDATE ratings SET rated_at = '2020-01-01T00:00:00Z' WHERE user_id = 506`);
      const { body } = await get('/users/506/ratings').expect(200);
      expect(body.items.map((r: { movieId: number }) => r.movieId)).toEqual([4, 6, 9]);
    });

    it('answers an empty page for a user with no ratings', async () => {
      const { body } = await get('/users/2147483647/ratings').expect(200);
      expect(body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
    });

    it.each([
      ['page=0', 'page must not be less than 1'],
      ['page=-1', 'page must be an integer'],
      ['limit=0', 'limit must not be less than 1'],
      ['limit=101', 'limit must not be greater than 100'],
      ['limit=1e1', 'limit must be an integer'],
      ['page=0x2', 'page must be an integer'],
      ['page=%2B1', 'page must be an integer'],
      ['limit=%205', 'limit must be an integer'],
      ['limit=5.0', 'limit must be an integer'],
      ['page=', 'page must be an integer'],
      ['page=1&page=2', 'page must be an integer'],
      ['sort=title', 'property sort should not exist; accepted: page, limit'],
    ])('answers 400 to ?%s', async (search, message) => {
      const { body } = await get(`/users/2/ratings?${search}`).expect(400);
      expect(body.message).toBe(message);
    });
  });

  describe('identity', () => {
    const count = async (userId: number) =>
      (
        await db.query<{ n: number }[]>('SELECT count(*)::integer AS n FROM ratings WHERE user_id = $1', [
          userId,
        ])
      )[0]!.n;
    /** A token with the right claims, signed with a key other than the server's. */
    const forged = () =>
      new JwtService({ secret: 'not-the-server-secret-but-32-chars-long' }).sign(
        { client_id: 'platform', scope: 'feedback:write feedback:read' },
        { subject: 'platform', issuer: 'movie-reco', audience: 'movie-reco-admin', expiresIn: 600 },
      );
    const unsigned = () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const exp = Math.floor(Date.now() / 1000) + 600;
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'platform', scope: 'feedback:write', exp, iss: 'movie-reco', aud: 'movie-reco-admin' })}.`;
    };

    it('refuses a write without a token with 401, a Bearer challenge and the common error shape', async () => {
      const response = await t.http.post('/users/520/ratings').send({ movieId: 1, rating: 5 }).expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="movie-reco"');
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'a bearer token is required: Authorization: Bearer <token>, from POST /oauth/token',
        path: '/users/520/ratings',
        timestamp: expect.any(String),
      });
      expect(await count(520)).toBe(0);
    });

    it('refuses a forged, an unsigned or a garbage token with 401 and stores nothing', async () => {
      for (const token of [forged(), unsigned(), 'not.a.jwt']) {
        const response = await t.http
          .post('/users/521/ratings')
          .set(bearer(token))
          .send({ movieId: 1, rating: 5 })
          .expect(401);
        expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
        expect(response.body).toMatchObject({ statusCode: 401, message: 'the access token is invalid' });
      }
      expect(await count(521)).toBe(0);
    });

    it('refuses a token without feedback:write with 403 naming the scope', async () => {
      for (const token of [reader, await adminToken(t)]) {
        const response = await t.http
          .post('/users/522/ratings')
          .set(bearer(token))
          .send({ movieId: 1, rating: 5 })
          .expect(403);
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="movie-reco", error="insufficient_scope", scope="feedback:write"',
        );
        expect(response.body).toMatchObject({
          statusCode: 403,
          error: 'Forbidden',
          message: 'the token lacks the scope(s): feedback:write',
        });
      }
      expect(await count(522)).toBe(0);
      await post('/users/522/ratings').send({ movieId: 1, rating: 5 }).expect(201);
      expect(await count(522)).toBe(1);
    });

    it('reads a user’s ratings only with feedback:read', async () => {
      const none = await t.http.get('/users/1/ratings').expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="movie-reco"');
      await t.http.get('/users/1/ratings').set(bearer(forged())).expect(401);
      const wrong = await t.http.get('/users/1/ratings').set(bearer(writer)).expect(403);
      expect(wrong.body.message).toBe('the token lacks the scope(s): feedback:read');
      const { body } = await get('/users/1/ratings').expect(200);
      expect(body.total).toBeGreaterThan(0);
    });

    it('takes the token a client gets with client credentials, all its scopes by default', async () => {
      const token = await platformToken(t);
      await t.http.post('/users/523/ratings').set(bearer(token)).send({ movieId: 2, rating: 3 }).expect(201);
      const { body } = await t.http.get('/users/523/ratings').set(bearer(token)).expect(200);
      expect(body.items).toEqual([expect.objectContaining({ movieId: 2, rating: 3, pending: true })]);
    });
  });

  it('documents both routes, their bodies and their scopes in the OpenAPI document', async () => {
    const { body } = await get('/docs-json').expect(200);
    const path = body.paths['/users/{id}/ratings'];
    expect(Object.keys(path).sort()).toEqual(['get', 'post']);
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404']),
    );
    expect(path.post.security).toEqual([{ oauth2: ['feedback:write'] }, { bearer: [] }]);
    expect(path.post['x-required-scopes']).toEqual(['feedback:write']);
    expect(path.get.security).toEqual([{ oauth2: ['feedback:read'] }, { bearer: [] }]);
    expect(path.get['x-required-scopes']).toEqual(['feedback:read']);
    expect(Object.keys(path.get.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(body.components.schemas.CreateRatingBody.properties).toMatchObject({
      movieId: { type: 'integer' },
      rating: { type: 'number', minimum: 0.5, maximum: 5, multipleOf: 0.5 },
    });
    expect(body.components.schemas.UserRatingPageDto.required).toEqual(
      expect.arrayContaining(['items', 'total', 'page', 'limit']),
    );
  });

  describe('after a pipeline run', () => {
    it('the feedback is adopted into the batch and no longer pending', async () => {
      const posted = await post('/users/505/ratings').send({ movieId: 5, rating: 3.5 }).expect(201);
      const [{ pending } = { pending: 0 }] = await db.query<{ pending: number }[]>(
        'SELECT count(*)::integer AS pending FROM ratings WHERE batch_id IS NULL',
      );
      expect(pending).toBeGreaterThanOrEqual(1);

      const result = await t.app
        .get(PipelineRunner)
        .run({ trigger: 'cli', source: { kind: 'replay' }, until: 'transform' });
      expect(result).toMatchObject({ status: 'succeeded' });

      const row = await stored(505, 5);
      expect(row).toMatchObject({ rating: 3.5, source: 'feedback', rated_at: new Date(posted.body.ratedAt) });
      expect(row!.batch_id).not.toBeNull();
      const [batch] = await db.query<{ feedback_rows: number; pipeline_run_id: number }[]>(
        'SELECT feedback_rows, pipeline_run_id FROM data_batches WHERE id = $1',
        [row!.batch_id],
      );
      expect(batch).toEqual({ feedback_rows: pending, pipeline_run_id: result!.runId });
      const [{ left } = { left: -1 }] = await db.query<{ left: number }[]>(
        'SELECT count(*)::integer AS left FROM ratings WHERE batch_id IS NULL',
      );
      expect(left).toBe(0);

      const { body } = await get('/users/505/ratings').expect(200);
      expect(body.items).toEqual([
        {
          movieId: 5,
          title: expect.any(String),
          rating: 3.5,
          ratedAt: posted.body.ratedAt,
          source: 'feedback',
          pending: false,
          clientId: 'platform',
        },
      ]);
    });
  });
});

describe('feedback caps per pipeline run', () => {
  let t: TestApp;
  let db: DataSource;
  let writer: string;
  let admin: string;
  beforeAll(async () => {
    t = await bootApp({ ...AUTH_ENV, FEEDBACK_MAX_ROWS_PER_RUN: '4', FEEDBACK_MAX_NEW_USERS_PER_RUN: '2' });
    await loadAll(t);
    db = t.app.get(DataSource);
    writer = await platformToken(t, 'feedback:write');
    admin = await adminToken(t, 'pipeline:read');
  });
  afterAll(() => t.close());

  const rate = (userId: number, movieId: number, rating: number) =>
    t.http.post(`/users/${userId}/ratings`).set(bearer(writer)).send({ movieId, rating }).expect(201);
  /** Runs the data stages and answers the transform stage's detail, as the admin API shows it. */
  const runTransform = async () => {
    const result = await t.app
      .get(PipelineRunner)
      .run({ trigger: 'cli', source: { kind: 'replay' }, until: 'transform' });
    expect(result).toMatchObject({ status: 'succeeded' });
    const { body } = await t.http.get(`/admin/pipeline/runs/${result!.runId}`).set(bearer(admin)).expect(200);
    return body.stages.find((stage: { name: string }) => stage.name === 'transform').detail;
  };
  const pendingOf = async () =>
    db.query<{ user_id: number; movie_id: number }[]>(
      'SELECT user_id, movie_id FROM ratings WHERE batch_id IS NULL ORDER BY user_id, movie_id',
    );

  it('adopts at most N ratings and M new users a run, and the next run adopts the rest', async () => {
    // Oldest first. Users 1 and 2 are in the data; 900, 901 and 902 are not.
    const sent: [number, number, number][] = [
      [900, 1, 4], // new user #1
      [1, 2, 1.5],
      [901, 2, 3], // new user #2
      [902, 3, 5], // new user #3: over the new-user cap
      [2, 4, 2],
      [900, 4, 4.5], // of an admitted new user, but over the row cap
    ];
    for (const [userId, movieId, rating] of sent) await rate(userId, movieId, rating);

    expect(await runTransform()).toMatchObject({
      feedback: 4,
      feedbackNewUsers: 2,
      feedbackDeferred: 2,
      feedbackDeferredNewUsers: 1,
    });
    expect(await pendingOf()).toEqual([
      { user_id: 900, movie_id: 4 },
      { user_id: 902, movie_id: 3 },
    ]);
    // Deferred, not dropped: still there and still shown as pending.
    const reader = await platformToken(t, 'feedback:read');
    const { body } = await t.http.get('/users/902/ratings').set(bearer(reader)).expect(200);
    expect(body.items).toEqual([expect.objectContaining({ movieId: 3, rating: 5, pending: true })]);

    expect(await runTransform()).toMatchObject({
      feedback: 2,
      feedbackNewUsers: 1,
      feedbackDeferred: 0,
      feedbackDeferredNewUsers: 0,
    });
    expect(await pendingOf()).toEqual([]);
    for (const [userId, movieId, rating] of sent) {
      const [row] = await db.query<{ rating: number; source: string; batch_id: number | null }[]>(
        'SELECT rating, source, batch_id FROM ratings WHERE user_id = $1 AND movie_id = $2',
        [userId, movieId],
      );
      expect(row).toMatchObject({ rating, source: 'feedback', batch_id: expect.any(Number) });
    }
  });
});

describe('feedback of new users with FEEDBACK_MAX_NEW_USERS_PER_RUN=0', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ ...AUTH_ENV, FEEDBACK_MAX_NEW_USERS_PER_RUN: '0' });
    await loadAll(t);
  });
  afterAll(() => t.close());

  it('waits, pending, and the run says how much waits', async () => {
    const token = await platformToken(t);
    await t.http.post('/users/950/ratings').set(bearer(token)).send({ movieId: 1, rating: 4 }).expect(201);
    const result = await t.app
      .get(PipelineRunner)
      .run({ trigger: 'cli', source: { kind: 'full' }, until: 'transform' });
    expect(result).toMatchObject({
      status: 'succeeded',
      summary:
        'no new data: every rating of the batch was already applied; 1 feedback rating(s) over the per-run caps wait for the next run',
    });
    const admin = await adminToken(t, 'pipeline:read');
    const { body: run } = await t.http
      .get(`/admin/pipeline/runs/${result!.runId}`)
      .set(bearer(admin))
      .expect(200);
    expect(run.stages.find((stage: { name: string }) => stage.name === 'transform').detail).toEqual({
      feedbackDeferred: 1,
      feedbackDeferredNewUsers: 1,
    });
    const { body } = await t.http.get('/users/950/ratings').set(bearer(token)).expect(200);
    expect(body.items).toEqual([expect.objectContaining({ movieId: 1, rating: 4, pending: true })]);
  });
});
