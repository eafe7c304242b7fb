import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from './support/app.js';
import { AUTH_ENV, bearer, platformToken } from './support/auth.js';

interface ListBody {
  path: string;
  fallback: string | null;
  items: { movieId: number; reason: string }[];
}

/**
 * Fold-in across replicas: a rating sent to one process changes the user's next list on another
 * (NOTIFY carries it), at once, with no new training.
 */
describe('ratings folded into the next list on every replica', () => {
  let a: TestApp;
  let b: TestApp;
  let writer: string;
  beforeAll(async () => {
    a = await bootApp(AUTH_ENV);
    expect(await a.app.get(PipelineRunner).run({ trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
    b = await bootApp(AUTH_ENV, a.db);
    writer = await platformToken(a, 'feedback:write');
  });
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
  });

  const listOn = async (t: TestApp, userId: number) =>
    (await t.http.get(`/users/${userId}/recommendations?limit=5`).expect(200)).body as ListBody;
  const rateAll = async (userId: number, movies: number[], rating: number) => {
    for (const movieId of movies)
      await a.http.post(`/users/${userId}/ratings`).set(bearer(writer)).send({ movieId, rating }).expect(201);
  };
  /** The list on `t` once `ready` holds, polled every 20 ms for at most `ms`. */
  const listWhen = async (t: TestApp, userId: number, ready: (list: ListBody) => boolean, ms = 1000) => {
    const started = Date.now();
    let list = await listOn(t, userId);
    while (!ready(list) && Date.now() - started < ms) {
      await sleep(20);
      list = await listOn(t, userId);
    }
    return list;
  };
  const ids = (list: ListBody) => list.items.map((item) => item.movieId);

  // Toy Story, Jumanji and three other films of the fixture's catalog.
  const RATED = [1, 2, 5, 7, 11];

  it('ranks a new user from five liked films within a second on the other replica', async () => {
    const popular = await listOn(b, 910_001);
    expect(popular).toMatchObject({ path: 'fallback', fallback: 'popularity' });
    await rateAll(910_001, RATED, 5);
    const list = await listWhen(b, 910_001, (l) => l.path === 'new-user');
    expect(list).toMatchObject({ path: 'new-user', fallback: null });
    expect(ids(list).some((id) => RATED.includes(id))).toBe(false);
    expect(ids(list)).not.toEqual(
      ids(popular)
        .filter((id) => !RATED.includes(id))
        .slice(0, 5),
    );
    expect(list.items.some((item) => /^because you rated /.test(item.reason))).toBe(true);
  });

  it('gives five ratings of 0.5 on the same films a different list from five of 5.0', async () => {
    await rateAll(910_002, RATED, 0.5);
    const liked = await listOn(b, 910_001);
    const disliked = await listWhen(
      b,
      910_002,
      (l) => ids(l).length > 0 && !ids(l).some((id) => RATED.includes(id)),
    );
    expect(ids(disliked).some((id) => RATED.includes(id))).toBe(false);
    expect(disliked.path).toBe('fallback');
    expect(ids(disliked)).not.toEqual(ids(liked));
  });

  it("changes a known user's list at once when they rate, in session", async () => {
    const before = await listOn(b, 1);
    const top = before.items[0]!.movieId;
    await rateAll(1, [top], 5);
    const after = await listWhen(b, 1, (l) => !ids(l).includes(top));
    expect(ids(after)).not.toContain(top);
    expect(after.path).toBe('session');
  });

  it('states the ratings held since training in /metrics', async () => {
    const { text } = await b.http.get('/metrics').expect(200);
    const held = Number(/^movie_reco_fold_in_ratings (\S+)$/m.exec(text)?.[1]);
    expect(held).toBeGreaterThanOrEqual(RATED.length * 2 + 1);
    expect(text).toMatch(/^movie_reco_fold_in_users \d+$/m);
    expect(text).toMatch(/^movie_reco_fold_in_dropped_total 0$/m);
  });
});
