import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { ImpressionsService } from '../src/impressions/impressions.service.js';
import { MetricsService } from '../src/monitoring/metrics.service.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from './support/app.js';
import { AUTH_ENV, adminToken, bearer, platformToken } from './support/auth.js';
import { runCli } from './support/processes.js';
import { FIXTURE_ENV } from './support/fixtures.js';

interface Item {
  movieId: number;
}
interface Answer {
  listId: string;
  modelVersion: number;
  path: string;
  items: Item[];
}
interface Row {
  list_id: string;
  user_id: number | null;
  endpoint: string;
  model_version: number;
  path: string;
  movie_ids: number[];
  served_at: Date;
  hit_movie_id: number | null;
  hit_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The value of the series of `metric` with exactly `labels` (0 when absent). */
async function valueOf(metric: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return values.find((v) => JSON.stringify(Object.entries(v.labels).sort()) === wanted)?.value ?? 0;
}

describe('impressions: every list served is recorded, and a later rating >= 4 of its movies is its hit', () => {
  let t: TestApp;
  let db: DataSource;
  let writer: string;

  /** Writes what is buffered and makes every pending hit check, as the next seconds would. */
  const settle = () => t.app.get(ImpressionsService).flush({ allHitChecks: true });
  const rowOf = async (listId: string): Promise<Row> =>
    (await db.query<Row[]>('SELECT * FROM impressions WHERE list_id = $1', [listId]))[0]!;
  const listFor = async (userId: number, query = 'limit=10'): Promise<Answer> =>
    (await t.http.get(`/users/${userId}/recommendations?${query}`).expect(200)).body;
  const rate = (userId: number, movieId: number, rating: number) =>
    t.http.post(`/users/${userId}/ratings`).set(bearer(writer)).send({ movieId, rating }).expect(201);
  // The counters themselves: /metrics renders at most once a second.
  const counters = () => t.app.get(MetricsService).impressions;
  const hitsCounted = (version: number, path: string) =>
    valueOf(counters().hits, { version: String(version), path });

  beforeAll(async () => {
    t = await bootApp({ ...AUTH_ENV, IMPRESSIONS_MAX_ROWS: '1000' });
    db = t.app.get(DataSource);
    expect(await t.app.get(PipelineRunner).run({ trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
    // The promoted version arrives by NOTIFY.
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await t.http.get('/users/1/recommendations')).status === 200) break;
      await sleep(50);
    }
    writer = await platformToken(t, 'feedback:write');
  });
  afterAll(() => t.close());

  it('answers every list with its own id and records what was served, in order, to whom', async () => {
    const before = Date.now();
    const user = await listFor(1, 'limit=5');
    const taste = (await t.http.post('/users/recommendations?limit=3').send({ comedy: 2 }).expect(200)).body;
    const similar = (await t.http.get('/movies/1/similar?limit=4').expect(200)).body;
    for (const answer of [user, taste, similar]) expect(answer.listId).toMatch(UUID);
    expect(new Set([user.listId, taste.listId, similar.listId]).size).toBe(3);
    await settle();
    const ids = (answer: Answer) => answer.items.map((item) => item.movieId);
    expect(await rowOf(user.listId)).toMatchObject({
      user_id: 1,
      endpoint: 'user',
      model_version: 1,
      path: user.path,
      movie_ids: ids(user),
      hit_movie_id: null,
      hit_at: null,
    });
    expect(await rowOf(taste.listId)).toMatchObject({
      user_id: null,
      endpoint: 'taste',
      path: 'taste',
      movie_ids: ids(taste),
    });
    expect(await rowOf(similar.listId)).toMatchObject({
      user_id: null,
      endpoint: 'similar',
      path: 'similar',
      movie_ids: ids(similar),
    });
    const servedAt = (await rowOf(user.listId)).served_at.getTime();
    expect(servedAt).toBeGreaterThanOrEqual(before - 5);
    expect(servedAt).toBeLessThanOrEqual(Date.now());
    expect(
      await valueOf(counters().served, { version: '1', path: user.path, endpoint: 'user' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await valueOf(counters().served, { version: '1', path: 'similar', endpoint: 'similar' })).toBe(1);
    // As Prometheus reads them.
    const { text } = await t.http.get('/metrics').expect(200);
    expect(text).toContain('movie_reco_impressions_total{version="1",path="similar",endpoint="similar"} 1');
    expect(text).toContain(`movie_reco_impression_hits_total{version="1",path="${user.path}"} 0`);
  });

  it('counts a rating >= 4 of a shown movie as one hit of that list, once', async () => {
    const list = await listFor(2, 'limit=5');
    const hitsBefore = await hitsCounted(1, list.path);
    const shown = list.items[2]!.movieId;
    await rate(2, shown, 4);
    await settle();
    const row = await rowOf(list.listId);
    expect(row.hit_movie_id).toBe(shown);
    expect(row.hit_at).toBeInstanceOf(Date);
    expect(await hitsCounted(1, list.path)).toBe(hitsBefore + 1);
    // Another shown movie rated from the same list: the list is hit already.
    await rate(2, list.items[3]!.movieId, 5);
    await settle();
    expect((await rowOf(list.listId)).hit_movie_id).toBe(shown);
    expect(await hitsCounted(1, list.path)).toBe(hitsBefore + 1);
  });

  it('counts nothing for a rating under 4 or of a movie the list did not show', async () => {
    const list = await listFor(3);
    const before = await hitsCounted(1, list.path);
    await rate(3, list.items[0]!.movieId, 3.5);
    const shown = new Set(list.items.map((item) => item.movieId));
    const unshown = [...Array(30).keys()].map((i) => i + 1).find((id) => !shown.has(id))!;
    await rate(3, unshown, 5);
    await settle();
    expect((await rowOf(list.listId)).hit_at).toBeNull();
    expect(await hitsCounted(1, list.path)).toBe(before);
  });

  it('counts only the newest list: a movie an older list showed is no hit', async () => {
    const older = await listFor(4);
    const newest = await listFor(4, 'limit=1');
    const onlyInOlder = older.items.find((item) => item.movieId !== newest.items[0]!.movieId)!.movieId;
    await rate(4, onlyInOlder, 5);
    await settle();
    expect((await rowOf(older.listId)).hit_at).toBeNull();
    expect((await rowOf(newest.listId)).hit_at).toBeNull();
  });

  it('counts nothing after the hit window (24 hours by default)', async () => {
    const list = await listFor(5);
    await settle();
    await db.query(`UPDATE impressions SET served_at = served_at - interval '25 hours' WHERE list_id = $1`, [
      list.listId,
    ]);
    await rate(5, list.items[0]!.movieId, 5);
    await settle();
    expect((await rowOf(list.listId)).hit_at).toBeNull();
  });

  it("shows a version's online quality in GET /admin/models/:id and `models show`", async () => {
    const [expected] = await db.query<{ lists: number; hits: number }[]>(
      `SELECT count(*)::int AS lists, count(hit_at)::int AS hits FROM impressions
       WHERE model_version = 1 AND endpoint = 'user'`,
    );
    expect(expected!.hits).toBeGreaterThanOrEqual(1);
    const { body } = await t.http
      .get('/admin/models/1')
      .set(bearer(await adminToken(t, 'models:read')))
      .expect(200);
    expect(body.online).toMatchObject({
      lists: expected!.lists,
      hits: expected!.hits,
      hitRate: expected!.hits / expected!.lists,
      retentionDays: 30,
      hitWindowHours: 24,
    });
    expect(body.online.byPath).toEqual(
      expect.arrayContaining([
        { endpoint: 'similar', path: 'similar', lists: 1, hits: null, hitRate: null },
        expect.objectContaining({ endpoint: 'user', hits: expected!.hits }),
      ]),
    );
    const shown = runCli(['models', 'show', '1'], {
      ...FIXTURE_ENV,
      DATABASE_URL: t.db.url,
      LOG_LEVEL: 'warn',
    });
    expect(shown.status).toBe(0);
    const rate = ((expected!.hits / expected!.lists) * 100).toFixed(1);
    expect(shown.stdout).toContain(
      `  online   ${expected!.lists} user lists, ${expected!.hits} hit, hit rate ${rate}%`,
    );
    expect(shown.stdout).toMatch(/^ +similar similar +1 lists {2}no user: not hit$/m);
  });

  it('writes what it holds when the app shuts down', async () => {
    const other = await bootApp({ ...AUTH_ENV }, t.db);
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 100 && !answer; attempt++) {
      const response = await other.http.get('/users/6/recommendations');
      if (response.status === 200) answer = response.body;
      else await sleep(50);
    }
    await other.close({ keepDatabase: true });
    expect(await rowOf(answer!.listId)).toMatchObject({ user_id: 6, model_version: 1 });
  });

  it('prunes lists past the retention, then the oldest beyond the row bound', async () => {
    await settle();
    const recent = await listFor(7);
    await settle();
    // 2,000 lists served 10 to 35 days ago, one every 18 minutes.
    await db.query(
      `INSERT INTO impressions (list_id, user_id, endpoint, model_version, path, movie_ids, served_at)
       SELECT gen_random_uuid(), 100, 'user', 1, 'returning', '{1,2}', now() - interval '10 days' - i * interval '18 minutes'
       FROM generate_series(0, 1999) AS i`,
    );
    const count = async (where = 'true') =>
      (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM impressions WHERE ${where}`))[0]!.n;
    const total = await count();
    const expired = await count(`served_at < now() - interval '30 days'`);
    expect(expired).toBeGreaterThan(300);
    expect(total - expired).toBeGreaterThan(1000);
    const pruned = await t.app.get(ImpressionsService).prune();
    expect(pruned).toEqual({ expired, overBound: total - expired - 1000 });
    expect(await count()).toBe(1000);
    expect(await count(`served_at < now() - interval '30 days'`)).toBe(0);
    // The newest stay.
    expect(await rowOf(recent.listId)).toBeDefined();
  });
});
