import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
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
  beforeAll(async () => {
    t = await bootApp();
    await loadAll(t);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

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
      const { body } = await t.http.post('/users/500/ratings').send({ movieId: 3, rating: 4.5 }).expect(201);
      expect(body).toEqual({
        userId: 500,
        movieId: 3,
        rating: 4.5,
        ratedAt: expect.any(String),
        source: 'feedback',
        pending: true,
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
      const first = await t.http.post('/users/501/ratings').send({ movieId: 7, rating: 2 }).expect(201);
      const second = await t.http.post('/users/501/ratings').send({ movieId: 7, rating: 5 }).expect(201);
      expect(new Date(second.body.ratedAt).getTime()).toBeGreaterThan(new Date(first.body.ratedAt).getTime());
      const { body } = await t.http.get('/users/501/ratings').expect(200);
      expect(body).toEqual({
        items: [
          {
            movieId: 7,
            title: expect.any(String),
            rating: 5,
            ratedAt: second.body.ratedAt,
            source: 'feedback',
            pending: true,
          },
        ],
        total: 1,
        page: 1,
        limit: 20,
      });
    });

    it('replaces a dataset rating and makes it pending again', async () => {
      const [oldest] = fixtureRatingsOf(1).slice(-1);
      const before = await t.http.get('/users/1/ratings?limit=100').expect(200);
      expect(before.body.items.find((r: { movieId: number }) => r.movieId === oldest!.movieId)).toMatchObject(
        {
          source: 'dataset',
          pending: false,
        },
      );
      await t.http.post('/users/1/ratings').send({ movieId: oldest!.movieId, rating: 0.5 }).expect(201);
      const { body } = await t.http.get('/users/1/ratings?limit=100').expect(200);
      expect(body.total).toBe(before.body.total);
      expect(body.items[0]).toMatchObject({
        movieId: oldest!.movieId,
        rating: 0.5,
        source: 'feedback',
        pending: true,
      });
    });

    it('answers 404 for a movie not in the catalog and stores nothing', async () => {
      const { body } = await t.http.post('/users/502/ratings').send({ movieId: 4242, rating: 3 }).expect(404);
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
      [{ movieId: 1, rating: 4, comment: 'loved it' }, 'property comment should not exist'],
      [{ movieId: 1, rating: 4, userId: 7 }, 'property userId should not exist'],
    ])('answers 400 to %j: %s', async (payload, message) => {
      const { body } = await t.http.post('/users/503/ratings').send(payload).expect(400);
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
      const post = await t.http.post(`/users/${id}/ratings`).send({ movieId: 1, rating: 4 }).expect(400);
      expect(post.body.message).toBe(message);
      const get = await t.http.get(`/users/${id}/ratings`).expect(400);
      expect(get.body.message).toBe(message);
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
        const response = await t.http.post('/users/504/ratings').set('content-type', type).send(payload);
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
        const { body } = await t.http.get(`/users/2/ratings?page=${page}&limit=5`).expect(200);
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
        })),
      );
      const beyond = await t.http.get('/users/2/ratings?page=100&limit=5').expect(200);
      expect(beyond.body).toEqual({ items: [], total: expected.length, page: 100, limit: 5 });
    });

    it('puts a new feedback rating first and names the movie', async () => {
      await t.http.post('/users/3/ratings').send({ movieId: 1, rating: 1.5 }).expect(201);
      const { body } = await t.http.get('/users/3/ratings?limit=1').expect(200);
      expect(body.items).toEqual([
        expect.objectContaining({ movieId: 1, title: 'Toy Story (1995)', rating: 1.5, pending: true }),
      ]);
      expect(body.total).toBeGreaterThan(1);
    });

    it('breaks ties of the same moment by movie id', async () => {
      for (const movieId of [9, 4, 6]) {
        await t.http.post('/users/506/ratings').send({ movieId, rating: 4 }).expect(201);
      }
      await db.query(`UPDATE ratings SET rated_at = '2020-01-01T00:00:00Z' WHERE user_id = 506`);
      const { body } = await t.http.get('/users/506/ratings').expect(200);
      expect(body.items.map((r: { movieId: number }) => r.movieId)).toEqual([4, 6, 9]);
    });

    it('answers an empty page for a user with no ratings', async () => {
      const { body } = await t.http.get('/users/2147483647/ratings').expect(200);
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
      ['sort=title', 'property sort should not exist'],
    ])('answers 400 to ?%s', async (search, message) => {
      const { body } = await t.http.get(`/users/2/ratings?${search}`).expect(400);
      expect(body.message).toBe(message);
    });
  });

  it('documents both routes and their bodies in the OpenAPI document', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    const path = body.paths['/users/{id}/ratings'];
    expect(Object.keys(path).sort()).toEqual(['get', 'post']);
    expect(Object.keys(path.post.responses)).toEqual(expect.arrayContaining(['201', '400', '404']));
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
      const posted = await t.http.post('/users/505/ratings').send({ movieId: 5, rating: 3.5 }).expect(201);
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

      const { body } = await t.http.get('/users/505/ratings').expect(200);
      expect(body.items).toEqual([
        {
          movieId: 5,
          title: expect.any(String),
          rating: 3.5,
          ratedAt: posted.body.ratedAt,
          source: 'feedback',
          pending: false,
        },
      ]);
    });
  });
});
