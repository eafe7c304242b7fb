import type { InteractionData } from '../model.js';
import { type BlendRanker, searchBlendWeight } from './blend-weight-search.js';
import { EaseSeqRecommender } from './ease-seq.js';
import { buildInteractionData, type Row } from './test-data.js';

const ITEMS = 60;
const LENGTH = 10;

/** A small linear congruential generator: the same data on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Users who each rate LENGTH items around a point of a ring of ITEMS, all liked. `ordered`: the
 * LENGTH neighbouring items along the ring, so what a user rates next is what follows their newest
 * item (the order carries the signal); else LENGTH of the 2·LENGTH items around the point in a
 * random order, so only the whole set says where the held-out items lie.
 */
function ringData(users: number, ordered: boolean): InteractionData {
  const next = random(ordered ? 7 : 11);
  const rows: Row[] = [];
  for (let u = 0; u < users; u++) {
    const start = Math.floor(next() * ITEMS);
    const span = Array.from({ length: ordered ? LENGTH : 2 * LENGTH }, (_, d) => (start + d) % ITEMS);
    if (!ordered) span.sort(() => next() - 0.5);
    span.slice(0, LENGTH).forEach((item, d) => rows.push([u, item, 5, 1_000 + d]));
  }
  return buildInteractionData(rows, { numItems: ITEMS });
}

// One recent item: in random order the newest item alone says little of where the user's items lie.
const SEQ = {
  lambda: 10,
  minItemCount: 1,
  window: 3,
  decay: 0.5,
  neighbours: 20,
  recentItems: 1,
  cacheSize: 5,
};

/** The weight an ease-seq fit chooses on `data`, and its search. */
function chosenWeight(data: InteractionData) {
  const model = new EaseSeqRecommender({ ...SEQ, weightSearchUsers: 1_000 });
  model.fit(data);
  return { weight: model.params['weight'], search: model.weightSearch! };
}

describe('searchBlendWeight with ease-seq', () => {
  it('gives the transitions a high weight when the order carries the signal', () => {
    const { weight, search } = chosenWeight(ringData(300, true));
    expect(weight).toBeGreaterThanOrEqual(0.7);
    expect(search.weight).toBe(weight);
    // Not a tie the grid's order settles: the transitions rank the held-out items far better.
    const at = (w: number) => search.trials.find((trial) => trial.weight === w)!.ndcg;
    expect(at(weight as number)).toBeGreaterThan(at(0) + 0.2);
  });

  it('gives them a low weight when the order is noise', () => {
    const { weight, search } = chosenWeight(ringData(300, false));
    expect(weight).toBeLessThanOrEqual(0.3);
    const at = (w: number) => search.trials.find((trial) => trial.weight === w)!.ndcg;
    expect(at(weight as number)).toBeGreaterThan(at(1) + 0.05);
  });

  it('serves the weight it chose: top lists and artifact as a fit at that weight', () => {
    const data = ringData(300, true);
    const searched = new EaseSeqRecommender({ ...SEQ, weightSearchUsers: 1_000 });
    searched.fit(data);
    const weight = searched.params['weight'] as number;
    expect(weight).not.toBe(0.5);
    const fixed = new EaseSeqRecommender({ ...SEQ, weight });
    fixed.fit(data);
    const loaded = EaseSeqRecommender.deserialize(searched.serialize());
    expect(loaded.params).toEqual({ ...fixed.params, weightSearchUsers: 1_000 });
    for (let u = 0; u < 300; u += 7) {
      const expected = Array.from(fixed.recommend(u, 10, new Set()).items);
      expect(Array.from(searched.recommend(u, 10, new Set()).items)).toEqual(expected);
      expect(Array.from(loaded.recommend(u, 10, new Set()).items)).toEqual(expected);
    }
  });

  it('keeps the given weight without weightSearchUsers', () => {
    const model = new EaseSeqRecommender({ ...SEQ, weight: 0.5 });
    model.fit(ringData(300, true));
    expect(model.params['weight']).toBe(0.5);
    expect(model.params).not.toHaveProperty('weightSearchUsers');
    expect(model.weightSearch).toBeUndefined();
  });

  it('scores every weight of the grid on the sampled users', () => {
    const { search } = chosenWeight(ringData(300, true));
    expect(search.trials.map((trial) => trial.weight)).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    expect(search.users).toBe(300);
    expect(search.testUsers).toBe(300);
  });
});

describe('searchBlendWeight', () => {
  const data = ringData(40, true);
  /** Each user's two newest items (the session holdout of 10 ratings), by MovieLens id. */
  const heldOut = (userId: number): number[] => {
    const u = data.userIds.indexOf(userId);
    const entries = Array.from({ length: LENGTH }, (_, d) => data.userPtr[u]! + d);
    entries.sort((a, b) => data.userTimes[a]! - data.userTimes[b]!);
    return entries.slice(-2).map((e) => data.itemIds[data.userItems[e]!]!);
  };

  /** A ranker that answers the held-out items at `good` and nothing useful at the other weights. */
  function fitOracle(good: number, seen: InteractionData[]) {
    return (train: InteractionData): BlendRanker => {
      seen.push(train);
      return (user, _k, weights) =>
        weights.map((weight) =>
          weight === good
            ? Int32Array.from(heldOut(train.userIds[user]!), (id) => train.itemIds.indexOf(id))
            : new Int32Array(0),
        );
    };
  }

  it('picks the weight whose lists hit the held-out items, fitting on the train half only', () => {
    const fitted: InteractionData[] = [];
    const result = searchBlendWeight(data, { maxUsers: 1_000, fallback: 0.5 }, fitOracle(0.7, fitted));
    expect(result.weight).toBe(0.7);
    expect(result.trials.find((trial) => trial.weight === 0.7)!.ndcg).toBe(1);
    expect(result.trials.filter((trial) => trial.ndcg > 0).map((trial) => trial.weight)).toEqual([0.7]);
    // One fit for the whole grid, on 8 of each user's 10 ratings (the held-out two absent).
    expect(fitted).toHaveLength(1);
    expect(fitted[0]!.userPtr[fitted[0]!.numUsers]).toBe(40 * 8);
  });

  it('splits a seeded sample of at most maxUsers users', () => {
    const fitted: InteractionData[] = [];
    const result = searchBlendWeight(data, { maxUsers: 10, fallback: 0.5 }, fitOracle(0.2, fitted));
    expect(result).toMatchObject({ weight: 0.2, users: 10, testUsers: 10 });
    expect(fitted[0]!.numUsers).toBe(10);
    const again = searchBlendWeight(data, { maxUsers: 10, fallback: 0.5 }, fitOracle(0.2, fitted));
    expect(Array.from(fitted[1]!.userIds)).toEqual(Array.from(fitted[0]!.userIds));
    expect(again).toEqual(result);
  });

  it('keeps the fallback when nobody can be held out', () => {
    // Users with fewer than 5 ratings stay wholly in train under the holdout.
    const few = buildInteractionData([
      [0, 0, 5, 1],
      [0, 1, 5, 2],
      [1, 1, 5, 1],
    ]);
    const fit = vi.fn();
    expect(searchBlendWeight(few, { maxUsers: 10, fallback: 0.4 }, fit)).toEqual({
      weight: 0.4,
      trials: [],
      users: 2,
      testUsers: 0,
    });
    expect(fit).not.toHaveBeenCalled();
  });

  it('takes the first of equal weights', () => {
    const result = searchBlendWeight(data, { maxUsers: 5, fallback: 0.5, grid: [0.3, 0.6] }, () => () => [
      new Int32Array(0),
      new Int32Array(0),
    ]);
    expect(result.weight).toBe(0.3);
  });
});
