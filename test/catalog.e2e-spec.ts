import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { cleanFixtureRatings, FIXTURE_DIR } from './support/fixtures.js';

const titles = (body: { items: { title: string }[] }) => body.items.map((m) => m.title);

describe('catalog API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
    await loadAll(t);
  });
  afterAll(() => t.close());

  describe('GET /movies', () => {
    it('pages through every movie in a stable order with the total', async () => {
      const first = await t.http.get('/movies?limit=12').expect(200);
      const second = await t.http.get('/movies?limit=12&page=2').expect(200);
      const third = await t.http.get('/movies?limit=12&page=3').expect(200);
      expect(first.body.total).toBe(30);
      const ids = [...first.body.items, ...second.body.items, ...third.body.items].map(
        (m: { id: number }) => m.id,
      );
      expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const beyond = await t.http.get('/movies?limit=12&page=4').expect(200);
      expect(beyond.body).toMatchObject({ items: [], total: 30, page: 4, limit: 12 });
    });

    it('finds titles by case-insensitive search, the best match first', async () => {
      const { body } = await t.http.get('/movies?search=TOY').expect(200);
      expect(body.items.map((m: { title: string }) => m.title)).toEqual([
        'Toy Story (1995)',
        'Toy Story 2 (1999)',
        'Toy Soldiers (1991)',
      ]);
    });

    it('finds titles despite typos, ranked by match then by rating count', async () => {
      const { body } = await t.http.get('/movies?search=toy%20stroy').expect(200);
      expect(titles(body).slice(0, 2)).toEqual(['Toy Story (1995)', 'Toy Story 2 (1999)']);
      const jumanji = await t.http.get('/movies?search=jumanij').expect(200);
      expect(titles(jumanji.body)[0]).toBe('Jumanji (1995)');
    });

    it('finds a title from the beginning of its words', async () => {
      const { body } = await t.http.get('/movies?search=jum').expect(200);
      expect(titles(body)).toEqual(['Jumanji (1995)']);
    });

    it('folds accents both ways: "amelie" finds "Amélie"', async () => {
      const { body } = await t.http.get('/movies?search=amelie').expect(200);
      expect(body.items[0]).toMatchObject({ id: 21 });
      const upper = await t.http.get('/movies?search=AMÉLIE').expect(200);
      expect(upper.body.items[0]).toMatchObject({ id: 21 });
    });

    it('pages through search results and filters them by genre', async () => {
      const all = await t.http.get('/movies?search=toy').expect(200);
      const second = await t.http.get('/movies?search=toy&limit=1&page=2').expect(200);
      expect(second.body).toMatchObject({ total: all.body.total, page: 2, limit: 1 });
      expect(second.body.items).toEqual([all.body.items[1]]);
      const action = await t.http.get('/movies?search=toy&genre=action').expect(200);
      expect(titles(action.body)).toEqual(['Toy Soldiers (1991)']);
      const byId = await t.http.get('/movies?search=toy&sort=id').expect(200);
      expect(byId.body.items.map((m: { id: number }) => m.id)).toEqual([1, 24, 30]);
    });

    it('treats % and _ in the search text as plain characters', async () => {
      const { body } = await t.http.get('/movies?search=%25').expect(200);
      expect(body.total).toBe(0);
    });

    it('reads quoted titles with commas and UTF-8 text intact', async () => {
      const { body } = await t.http.get('/movies?search=amélie').expect(200);
      expect(body.items[0]).toMatchObject({
        id: 21,
        title: "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
        year: 2001,
        genres: ['Comedy', 'Romance'],
      });
    });

    it('filters by genre given as the API field name or the MovieLens name', async () => {
      const snake = await t.http.get('/movies?genre=film_noir').expect(200);
      const named = await t.http.get('/movies?genre=Film-Noir').expect(200);
      expect(snake.body.items.map((m: { id: number }) => m.id)).toEqual([19]);
      expect(named.body).toEqual(snake.body);
    });

    it('sorts by popularity, most rated first', async () => {
      const { body } = await t.http.get('/movies?sort=popularity&limit=100').expect(200);
      const counts = body.items.map((m: { ratingCount: number }) => m.ratingCount);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(counts[0]).toBeGreaterThan(counts[counts.length - 1]);
    });
  });

  describe('GET /movies/:id', () => {
    it('returns title, year, genres and the rating count and mean', async () => {
      const ratings = cleanFixtureRatings().filter((r) => r.movieId === 1);
      const mean = ratings.reduce((sum, r) => sum + r.rating, 0) / ratings.length;
      const { body } = await t.http.get('/movies/1').expect(200);
      expect(body).toEqual({
        id: 1,
        title: 'Toy Story (1995)',
        year: 1995,
        genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
        ratingCount: ratings.length,
        ratingMean: Math.round(mean * 100) / 100,
      });
    });

    it('gives a movie nobody rated a zero count and no mean', async () => {
      const { body } = await t.http.get('/movies/29').expect(200);
      expect(body).toMatchObject({
        title: 'Untitled Home Movie',
        year: null,
        ratingCount: 0,
        ratingMean: null,
      });
    });

    it('answers 404 in the common error shape for an unknown id', async () => {
      const { body } = await t.http.get('/movies/4242').expect(404);
      expect(body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'movie 4242 not found',
        path: '/movies/4242',
        timestamp: expect.any(String),
      });
    });
  });

  describe('bad input', () => {
    it.each([
      ['/movies/abc', 'id must be a positive integer'],
      ['/movies/0', 'id must be a positive integer'],
      ['/movies/1.5', 'id must be a positive integer'],
      ['/movies/99999999999', 'id must be at most 2147483647'],
      ['/movies?colour=red', 'property colour should not exist'],
      ['/movies?limit=0', 'limit must not be less than 1'],
      ['/movies?limit=101', 'limit must not be greater than 100'],
      ['/movies?page=0', 'page must not be less than 1'],
      ['/movies?page=-1', 'page must be an integer'],
      ['/movies?limit=ten', 'limit must be an integer'],
      ['/movies?limit=0x10', 'limit must be an integer'],
      ['/movies?limit=', 'limit must be an integer'],
      ['/movies?limit=10&limit=20', 'limit must be an integer'],
      ['/movies/0x10', 'id must be a positive integer'],
      ['/movies/1e3', 'id must be a positive integer'],
      ['/movies/+5', 'id must be a positive integer'],
      ['/movies/1%20', 'id must be a positive integer'],
      ['/movies?sort=rating', 'sort must be one of the following values'],
      ['/movies?genre=space_opera', 'genre must be one of: action'],
      ['/movies?search=', 'search must be longer than or equal to 1 characters'],
      ['/movies?search=%00', 'search must not contain control characters'],
    ])('%s answers 400: %s', async (path, message) => {
      const { body } = await t.http.get(path).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', path });
      expect(body.message).toContain(message);
    });

    it('names the accepted fields when a query field is unknown', async () => {
      const { body } = await t.http.get('/movies?q=matrix').expect(400);
      expect(body.message).toBe('property q should not exist; accepted: search, genre, sort, page, limit');
    });

    it('never answers 5xx to odd input', async () => {
      const paths = [
        '/movies?limit=1e3',
        '/movies?page=1&page=2',
        '/movies?search=%E2%80%AE%F0%9F%8E%AC',
        '/movies?search=%FF',
        "/movies?search=' OR 1=1 --",
        '/movies/%20',
        '/movies/1;DROP TABLE movies',
        '/movies?genre[]=drama',
        `/movies?search=${'x'.repeat(5000)}`,
        '/status/live?x=1',
        '/nowhere',
      ];
      for (const path of paths) {
        const response = await t.http.get(path);
        expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
      }
    });

    it('answers malformed JSON with 400 in the common shape', async () => {
      const { body } = await t.http
        .post('/movies')
        .set('content-type', 'application/json')
        .send('{bad json')
        .expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', path: '/movies' });
    });
  });

  describe('when a batch adds movies', () => {
    let dir: string;
    let fresh: TestApp;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'movie-reco-catalog-'));
      cpSync(FIXTURE_DIR, dir, { recursive: true });
      fresh = await bootApp({ MOVIELENS_DIR: dir });
      await loadAll(fresh);
    });
    afterAll(async () => {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('searches and serves them once the batch is applied, without a restart', async () => {
      // The catalog is in memory from this first request on.
      const before = await fresh.http.get('/movies?search=zyzzyva').expect(200);
      expect(before.body.total).toBe(0);
      await fresh.http.get('/movies/9001').expect(404);

      appendFileSync(join(dir, 'movies.csv'), '9001,Zyzzyva Nights (2003),Drama\n');
      appendFileSync(join(dir, 'ratings.csv'), '1,9001,4.5,1041379200\n');
      expect(await loadAll(fresh)).toMatchObject({ status: 'succeeded' });

      // The batch's NOTIFY reaches the catalog after the commit: wait for it (bounded).
      let found: { total: number; items: { id: number; ratingCount: number }[] } | undefined;
      for (let attempt = 0; attempt < 100 && !found?.total; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        found = (await fresh.http.get('/movies?search=zyzzyva%20nigths').expect(200)).body;
      }
      expect(found?.items[0]).toMatchObject({ id: 9001, ratingCount: 1 });
      const { body } = await fresh.http.get('/movies/9001').expect(200);
      expect(body).toMatchObject({ title: 'Zyzzyva Nights (2003)', ratingCount: 1, ratingMean: 4.5 });
    });
  });
});
