import { PopularityRecommender } from './algorithms/popularity.js';
import { buildInteractions, itemsOfUser, type RatingInput } from './interactions.js';
import type { InteractionData, Recommendations, Recommender } from './model.js';
import type { Params } from './algorithm-list.js';
import { columnsOf } from './interactions.js';
import { evaluate, expandGrid, ratingsOfSampledUsers, splitDataset, tune } from './evaluate.js';
import { sampleUsers } from './protocol/scored-users.js';

const r = (userId: number, movieId: number, rating: number, timestamp: number): RatingInput => ({
  userId,
  movieId,
  rating,
  timestamp,
});

type Pick = (data: InteractionData, user: number, exclude: ReadonlySet<number>) => number[];

/** A recommender whose list is whatever `pick` says, recording what it was given. */
class FakeRecommender implements Recommender {
  readonly algorithm = 'fake';
  fitted: InteractionData | undefined;
  readonly asked: { user: number; k: number; exclude: number[] }[] = [];

  constructor(
    private readonly pick: Pick,
    readonly params: Params = {},
  ) {}

  fit(data: InteractionData): void {
    this.fitted = data;
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    this.asked.push({ user, k, exclude: [...exclude].sort((a, b) => a - b) });
    const items = this.pick(this.fitted!, user, exclude).slice(0, k);
    return { items: Int32Array.from(items), scores: new Float32Array(items.length) };
  }

  serialize(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** The candidates in ascending item index (= ascending movieId), the user's own excluded. */
const byIndex: Pick = (data, _user, exclude) =>
  Array.from({ length: data.numItems }, (_, i) => i).filter((i) => !exclude.has(i));

const idsOf = (data: InteractionData, items: number[]) => items.map((i) => data.itemIds[i]);

// Train items: movies 1..6 (indices 0..5).
const split = {
  train: [r(1, 1, 4, 1), r(1, 2, 3, 2), r(2, 3, 5, 1), r(2, 4, 4, 2), r(3, 5, 2, 1), r(3, 6, 4, 2)],
  test: [
    // user 1: relevant {3, 5}; movie 4 at 2.0 is not relevant
    r(1, 3, 5, 10),
    r(1, 5, 4, 11),
    r(1, 4, 2, 12),
    // user 2: nothing rated >= 4 → not evaluated
    r(2, 1, 3.5, 10),
    // user 3: relevant {9}, a movie that is only in test, so it cannot be recommended
    r(3, 9, 4.5, 10),
  ],
  movies: [1, 2, 3, 4, 5, 6, 9].map((id) => ({ id, genres: ['Drama'] })),
};

describe('evaluate', () => {
  it('scores a known list with known metrics', () => {
    const result = evaluate(new FakeRecommender(byIndex), split);
    // User 1 gets movies [3, 4, 5, 6] (1 and 2 are theirs): hits at ranks 1 and 3, 2 relevant.
    //   P = 2/10 = 0.2; R = 2/min(10, 2) = 1; DCG = 1 + 1/log2(4) = 1.5;
    //   IDCG = 1 + 1/log2(3) = 1.6309297535714575; NDCG = 0.9197207891481876; HR = 1;
    //   AP = (1/1 + 2/3) / 2 = 0.8333333333333334
    // User 2 is skipped (no relevant item).
    // User 3 gets movies [1, 2, 3, 4]; movie 9 was never a candidate: every metric 0.
    // Means over 2 users: P 0.1, R 0.5, NDCG 0.4598603945740938, HR 0.5, MAP 0.4166666666666667.
    // NDCG se: sd = √((0.45986² × 2) / 1) = 0.65033; se = sd / √2 = 0.4598603945740938.
    // Coverage: movies {1, 2, 3, 4, 5, 6} recommended / 6 train movies = 1.
    expect(result.precision).toBeCloseTo(0.1, 12);
    expect(result.recall).toBeCloseTo(0.5, 12);
    expect(result.ndcg).toBeCloseTo(0.4598603945740938, 12);
    expect(result.ndcgStandardError).toBeCloseTo(0.4598603945740938, 12);
    expect(result.hitRate).toBeCloseTo(0.5, 12);
    expect(result.map).toBeCloseTo(0.4166666666666667, 12);
    expect(result.coverage).toBe(1);
    expect(result.users).toBe(2);
    expect(result.algorithm).toBe('fake');
    expect(result.fitSeconds).toBeGreaterThanOrEqual(0);
  });

  it('offers every train movie minus the user’s own train movies (the candidate rule)', () => {
    const fake = new FakeRecommender(byIndex);
    evaluate(fake, split);
    const data = fake.fitted!;
    // Only users with a relevant test item are asked, in userId order, for k = 10.
    expect(fake.asked.map((a) => data.userIds[a.user])).toEqual([1, 3]);
    expect(fake.asked.every((a) => a.k === 10)).toBe(true);
    // Excluded: exactly the user's train movies.
    expect(idsOf(data, fake.asked[0]!.exclude)).toEqual([1, 2]);
    expect(idsOf(data, fake.asked[1]!.exclude)).toEqual([5, 6]);
    // The catalog is the train movies: movie 9 (test only) is not an item at all.
    expect([...data.itemIds]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('counts the recommended list only up to k, and scores a coverage of the distinct items', () => {
    const result = evaluate(new FakeRecommender(byIndex), split, 1);
    // k = 1: user 1 gets [3] (a hit): P 1, R 1/min(1, 2) = 1, NDCG 1, AP 1; user 3 gets [1]: 0.
    expect(result).toMatchObject({ precision: 0.5, recall: 0.5, ndcg: 0.5, hitRate: 0.5, map: 0.5 });
    // Movies 3 and 1 of 6.
    expect(result.coverage).toBeCloseTo(2 / 6, 12);
  });

  it('fails loudly when a recommender breaks the candidate rule', () => {
    const own: Pick = (data, user) => [itemsOfUser(data, user)[0]!];
    expect(() => evaluate(new FakeRecommender(own), split)).toThrow(/user's train items/);
    expect(() => evaluate(new FakeRecommender((data) => [data.numItems]), split)).toThrow(/not a train item/);
    expect(() => evaluate(new FakeRecommender(() => [2, 2]), split)).toThrow(/repeated/);
  });

  it('asks about a test user who has no train rating as a newcomer', () => {
    const fake = new FakeRecommender(byIndex);
    const result = evaluate(fake, { ...split, test: [r(8, 1, 5, 10)] });
    expect(fake.asked).toEqual([{ user: 3, k: 10, exclude: [] }]);
    // Movie 1 is first of the 6: NDCG 1.
    expect(result.ndcg).toBe(1);
  });

  it('evaluates nobody when no test user has a relevant item', () => {
    const result = evaluate(new FakeRecommender(byIndex), { ...split, test: [r(1, 3, 3, 10)] });
    expect(result).toMatchObject({ users: 0, ndcg: 0, coverage: 0 });
  });
});

describe('no test leakage', () => {
  // Users 1–5 rate movies 1–8 early (t = 1–8, rating 4), then movie 20 + u (t = 50, rating 2), and
  // last movie 99 (t = 100 + u, rating 5), which nobody rated before.
  // Outer split: 10 ratings → ceil(10 × 0.2) = 2 held out: movies 20 + u and 99; relevant: 99.
  // Inner split (inside the outer train, movies 1–8): ceil(8 × 0.2) = 2 held out: movies 7 and 8.
  const ratings = [1, 2, 3, 4, 5].flatMap((u) => [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((m) => r(u, m, 4, m)),
    r(u, 20 + u, 2, 50),
    r(u, 99, 5, 100 + u),
  ]);
  const dataset = { ratings, movies: [] };

  /** Recommends the most recently rated movies it knows of. */
  const latestFirst: Pick = (data, _user, exclude) => {
    const latest = new Float64Array(data.numItems);
    for (let e = 0; e < data.userItems.length; e++) {
      latest[data.userItems[e]!] = Math.max(latest[data.userItems[e]!]!, data.userTimes[e]!);
    }
    return Array.from({ length: data.numItems }, (_, i) => i)
      .filter((i) => !exclude.has(i))
      .sort((a, b) => latest[b]! - latest[a]! || a - b);
  };

  it('fits on train only, so a recommender that would find the test items cannot', () => {
    const s = splitDataset(dataset);
    expect(s.train).toHaveLength(40);
    expect(s.test.map((x) => x.movieId).sort((a, b) => a - b)).toEqual([
      21, 22, 23, 24, 25, 99, 99, 99, 99, 99,
    ]);
    const fake = new FakeRecommender(latestFirst);
    const result = evaluate(fake, s);
    expect(fake.fitted!.userItems).toHaveLength(40);
    expect(Math.max(...fake.fitted!.userTimes)).toBe(8);
    expect([...fake.fitted!.itemIds]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.users).toBe(5);
    expect(result.ndcg).toBe(0);

    // The same recommender fitted on everything would put movie 99 first for every user.
    const leaked = new FakeRecommender(latestFirst);
    leaked.fit(buildInteractions(ratings, []));
    const first = leaked.recommend(0, 10, new Set()).items[0]!;
    expect(leaked.fitted!.itemIds[first]).toBe(99);
  });

  it('tunes on an inner split of train and never sees the outer test', () => {
    const s = splitDataset(dataset);
    const fitted: InteractionData[] = [];
    const factory = (params: Params) =>
      new (class extends FakeRecommender {
        override fit(data: InteractionData): void {
          fitted.push(data);
          super.fit(data);
        }
      })(latestFirst, params);
    const result = tune(factory, { x: [1, 2] }, { ratings: s.train, movies: [] });
    expect(result.trials.map((t) => t.params)).toEqual([{ x: 1 }, { x: 2 }]);
    // Each setting was fitted on the inner train: movies 1–6, 6 ratings per user, up to t = 6.
    expect(fitted).toHaveLength(2);
    for (const data of fitted) {
      expect([...data.itemIds]).toEqual([1, 2, 3, 4, 5, 6]);
      expect(data.userItems).toHaveLength(30);
      expect(Math.max(...data.userTimes)).toBe(6);
    }
  });
});

describe('tune', () => {
  // Users 1–3, 10 ratings each: movies 1..10 at t = movie; held out (inner split): ceil(10 × 0.2) = 2,
  // movies 9 and 10, rated 5 → relevant. Ascending order ranks them last; descending ranks 10, 9 first.
  const train = [1, 2, 3].flatMap((u) =>
    Array.from({ length: 10 }, (_, i) => r(u, i + 1, i >= 8 ? 5 : 3, i + 1)),
  );
  // Other users rate 9 and 10 early so that they are train items of the inner split.
  const others = [4, 5].flatMap((u) => [r(u, 9, 3, 1), r(u, 10, 3, 2)]);

  it('chooses the setting with the best NDCG@10 on the inner split', () => {
    const factory = (params: Params) =>
      new FakeRecommender((data, user, exclude) => {
        const list = byIndex(data, user, exclude);
        return params.order === 'descending' ? list.reverse() : list;
      }, params);
    const result = tune(
      factory,
      { order: ['ascending', 'descending'] },
      { ratings: [...train, ...others], movies: [] },
    );
    // Users 1–3: candidates are movies 9, 10. Descending: [10, 9], both hits → NDCG 1.
    // Ascending: [9, 10] → also both hits → NDCG 1. Equal: the first setting wins.
    expect(result.trials.map((t) => t.ndcg)).toEqual([1, 1]);
    expect(result.params).toEqual({ order: 'ascending' });
  });

  it('prefers the better setting', () => {
    // Only movie 10 is relevant now (movie 9 rated 3 by users 1–3).
    const ratings = [...train, ...others].map((x) => (x.movieId === 9 ? { ...x, rating: 3 } : x));
    const factory = (params: Params) =>
      new FakeRecommender((data, user, exclude) => {
        const list = byIndex(data, user, exclude);
        return params.order === 'descending' ? list.reverse() : list;
      }, params);
    const result = tune(factory, { order: ['ascending', 'descending'] }, { ratings, movies: [] });
    // Ascending [9, 10]: hit at rank 2 → NDCG 1/log2(3) = 0.6309297535714575. Descending [10, 9]: 1.
    expect(result.trials[0]!.ndcg).toBeCloseTo(0.6309297535714575, 12);
    expect(result.trials[1]!.ndcg).toBe(1);
    expect(result.params).toEqual({ order: 'descending' });
  });

  it('does not evaluate anything for a single setting', () => {
    let made = 0;
    const result = tune(
      (params) => {
        made++;
        return new FakeRecommender(byIndex, params);
      },
      { x: [3] },
      { ratings: train, movies: [] },
    );
    expect(result).toEqual({ params: { x: 3 }, trials: [] });
    expect(made).toBe(0);
  });
});

describe('expandGrid', () => {
  it('lists every combination, the last key varying fastest', () => {
    expect(expandGrid({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(expandGrid({})).toEqual([{}]);
  });
});

describe('evaluate on a sample of users', () => {
  it('scores only the sampled test users and says how many were eligible', () => {
    const train = Array.from({ length: 30 }, (_, u) => [
      { userId: u + 1, movieId: 1, rating: 4, timestamp: 1 },
      { userId: u + 1, movieId: 2 + (u % 3), rating: 4, timestamp: 2 },
    ]).flat();
    const test = Array.from({ length: 30 }, (_, u) => ({
      userId: u + 1,
      movieId: 5,
      rating: 5,
      timestamp: 3,
    }));
    const split = { train, test, movies: [] };
    const all = evaluate(new PopularityRecommender(), split);
    expect(all).toMatchObject({ users: 30, eligibleUsers: 30 });
    const sampled = evaluate(new PopularityRecommender(), split, 10, { maxUsers: 10, seed: 3 });
    expect(sampled).toMatchObject({ users: 10, eligibleUsers: 30 });
  });
});

describe('ratingsOfSampledUsers', () => {
  const ratings = Array.from({ length: 50 }, (_, u) => [r(u + 1, 1, 4, 1), r(u + 1, 2, 3, 2)]).flat();

  it('keeps every rating of the sampled users and none of the others', () => {
    const { ratings: kept, users, of } = ratingsOfSampledUsers(columnsOf(ratings), { maxUsers: 20, seed: 1 });
    expect({ users, of }).toEqual({ users: 20, of: 50 });
    const ids = new Set(kept.map((rating) => rating.userId));
    expect([...ids].sort((a, b) => a - b)).toEqual(
      sampleUsers(
        [...Array(50).keys()].map((u) => u + 1),
        { maxUsers: 20, seed: 1 },
      ),
    );
    expect(kept).toEqual(ratings.filter((rating) => ids.has(rating.userId)));
  });

  it('keeps everything when the data has no more users than the sample', () => {
    expect(ratingsOfSampledUsers(columnsOf(ratings), { maxUsers: 50 })).toEqual({
      ratings,
      users: 50,
      of: 50,
    });
  });
});
