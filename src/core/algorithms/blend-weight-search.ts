/**
 * Choosing a blend's weight from the data it is fitted on: the session protocol's holdout (the
 * offline evaluation's, split.ts) made inside the training data of a seeded sample of users, one
 * fit on that inner train half, every weight of a grid scored by NDCG@k on the inner test half.
 *
 * One fit serves the whole grid because the weight only mixes two scores at ranking time; the
 * caller's `fitInner` fits its model and returns a ranker that gives a user's top k at each weight.
 */
import { userMetrics } from '../protocol/metrics.js';
import { DEFAULT_K, relevantByUser, sampleUsers } from '../protocol/scored-users.js';
import { HOLDOUT, temporalSplit } from '../protocol/split.js';
import { buildInteractions, indexInteractions, type RatingInput } from '../interactions.js';
import type { InteractionData } from '../model.js';

/** The weights tried: EASE alone (0) to the transitions alone (1) in steps of 0.1. */
const BLEND_WEIGHT_GRID: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface BlendWeightSearchOptions {
  /** The weights tried, in order; on equal scores the first wins. */
  grid?: readonly number[];
  /** The inner split is made over at most this many users, a seeded sample (sampleUsers). */
  maxUsers: number;
  seed?: number;
  k?: number;
  /** The weight returned when no inner test user can be scored (too little data). */
  fallback: number;
}

interface BlendWeightTrial {
  weight: number;
  /** Mean NDCG@k over the inner test users. */
  ndcg: number;
}

export interface BlendWeightSearch {
  /** The grid weight with the best inner NDCG@k, or the fallback when nobody was scored. */
  weight: number;
  /** One per grid weight, in grid order; empty when nobody was scored. */
  trials: BlendWeightTrial[];
  /** Users in the inner split (the sample) and inner test users scored. */
  users: number;
  testUsers: number;
}

/**
 * The user's top `k` item indices (of the data given to `fitInner`) at each weight of `weights`,
 * never an item the user has in that data.
 */
export type BlendRanker = (user: number, k: number, weights: readonly number[]) => Int32Array[];

/**
 * The weight of `grid` whose blend ranks the inner test half best (see the module comment).
 * `fitInner` only ever sees the inner train half. Deterministic: the sample, the split and the fit
 * depend on the data alone.
 */
export function searchBlendWeight(
  data: InteractionData,
  options: BlendWeightSearchOptions,
  fitInner: (train: InteractionData) => BlendRanker,
): BlendWeightSearch {
  const { grid = BLEND_WEIGHT_GRID, maxUsers, seed = 1, k = DEFAULT_K, fallback } = options;
  if (grid.length === 0) throw new Error('searchBlendWeight: the grid has no weight');
  const sampled = sampleUsers(Array.from(data.userIds), { maxUsers, seed });
  const { train, test } = temporalSplit(ratingsOfUsers(data, new Set(sampled)), HOLDOUT);
  const relevant = relevantByUser(test);
  const none = { weight: fallback, trials: [], users: sampled.length, testUsers: 0 };
  if (relevant.size === 0 || train.length === 0) return none;

  // The genre flags are not needed by a blend of co-ratings and successors.
  const inner = buildInteractions(train, []);
  const index = indexInteractions(inner);
  const rank = fitInner(inner);
  const sums = new Float64Array(grid.length);
  let scored = 0;
  for (const userId of [...relevant.keys()].sort((a, b) => a - b)) {
    const user = index.user(userId);
    // Under the holdout every test user keeps train ratings; kept for safety.
    if (user === undefined) continue;
    const lists = rank(user, k, grid);
    lists.forEach((items, g) => {
      const movieIds = Array.from(items.subarray(0, k), (item) => inner.itemIds[item]!);
      sums[g]! += userMetrics(movieIds, relevant.get(userId)!, k).ndcg;
    });
    scored++;
  }
  if (scored === 0) return none;
  const trials = grid.map((weight, g) => ({ weight, ndcg: sums[g]! / scored }));
  const best = trials.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  return { weight: best.weight, trials, users: sampled.length, testUsers: scored };
}

/** The ratings of the users in `userIds`, as the split reads them. */
function ratingsOfUsers(data: InteractionData, userIds: ReadonlySet<number>): RatingInput[] {
  const ratings: RatingInput[] = [];
  for (let u = 0; u < data.numUsers; u++) {
    const userId = data.userIds[u]!;
    if (!userIds.has(userId)) continue;
    for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) {
      ratings.push({
        userId,
        movieId: data.itemIds[data.userItems[e]!]!,
        rating: data.userRatings[e]!,
        timestamp: data.userTimes[e]!,
      });
    }
  }
  return ratings;
}
