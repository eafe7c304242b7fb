/**
 * The offline evaluation protocol of DESIGN.md: fit on train, recommend the top k among the
 * candidates (every train item minus the user's own train items), score against the user's
 * held-out ratings >= 4.0. Hyper-parameters are tuned on the same split made inside train.
 *
 * Only `split.train` ever reaches a recommender; the test ratings are read after `fit`, and only
 * to score the lists.
 */
import {
  buildInteractions,
  indexInteractions,
  itemsOfUser,
  type MovieInput,
  type RatingInput,
  ratingsOf,
} from './interactions.js';
import type { RatingColumns } from './rating-columns.js';
import type { ParamGrid, Params, RecommenderFactory } from './algorithm-list.js';
import type { InteractionData, Recommender } from './model.js';
import { type MetricsSummary, summarize, type UserMetrics, userMetrics } from './protocol/metrics.js';
import { DEFAULT_K, relevantByUser, sampleUsers, type UserSample } from './protocol/scored-users.js';
import { HOLDOUT, type HoldoutOptions, temporalSplit } from './protocol/split.js';

export interface RatingsDataset {
  ratings: readonly RatingInput[];
  /** The catalog, for the items' genre flags. */
  movies: readonly MovieInput[];
}

export interface EvaluationSplit {
  train: readonly RatingInput[];
  test: readonly RatingInput[];
  movies: readonly MovieInput[];
}

export interface EvaluationResult extends MetricsSummary {
  algorithm: string;
  params: Params;
  fitSeconds: number;
  /** Test users with relevant items; `users` is all of them or, on large data, a seeded sample. */
  eligibleUsers: number;
}

/**
 * The ratings of the users sampleUsers picks among all the users of `columns`: on large data the
 * evaluation splits, refits and scores on them alone, so its cost follows the sample, not the
 * data. Candidate and production share the sample (the same seed picks the same users).
 */
export function ratingsOfSampledUsers(
  columns: RatingColumns,
  sample: UserSample = {},
): { ratings: RatingInput[]; users: number; of: number } {
  const users = [...new Set(columns.userIds.subarray(0, columns.length))];
  if (sample.maxUsers === undefined || users.length <= sample.maxUsers)
    return { ratings: ratingsOf(columns), users: users.length, of: users.length };
  const kept = new Set(sampleUsers(users, sample));
  const ratings: RatingInput[] = [];
  for (let i = 0; i < columns.length; i++) {
    if (!kept.has(columns.userIds[i]!)) continue;
    ratings.push({
      userId: columns.userIds[i]!,
      movieId: columns.movieIds[i]!,
      rating: columns.ratings[i]!,
      timestamp: columns.timestamps[i]!,
    });
  }
  return { ratings, users: kept.size, of: users.length };
}

/** The per-user temporal holdout of a dataset. */
export function splitDataset(dataset: RatingsDataset, options: HoldoutOptions = HOLDOUT): EvaluationSplit {
  const { train, test } = temporalSplit(dataset.ratings, options);
  return { train, test, movies: dataset.movies };
}

/** Fits `recommender` on `split.train` and scores its top-k lists against `split.test`. */
export function evaluate(
  recommender: Recommender,
  split: EvaluationSplit,
  k = DEFAULT_K,
  sample: UserSample = {},
): EvaluationResult {
  const data = buildInteractions(split.train, split.movies);
  const started = performance.now();
  recommender.fit(data);
  const fitSeconds = (performance.now() - started) / 1000;

  const index = indexInteractions(data);
  const relevant = relevantByUser(split.test);
  const perUser: UserMetrics[] = [];
  const recommendedItems = new Set<number>();
  for (const userId of sampleUsers([...relevant.keys()], sample)) {
    // A user with no train ratings (impossible under the protocol) is asked as a newcomer.
    const user = index.user(userId) ?? data.numUsers;
    const exclude = new Set(itemsOfUser(data, user));
    const items = recommendedList(recommender, data, user, k, exclude);
    items.forEach((item) => recommendedItems.add(item));
    const movieIds = Array.from(items, (item) => data.itemIds[item]!);
    perUser.push(userMetrics(movieIds, relevant.get(userId)!, k));
  }
  return {
    algorithm: recommender.algorithm,
    params: { ...recommender.params },
    fitSeconds,
    eligibleUsers: relevant.size,
    ...summarize(perUser, recommendedItems.size, data.numItems),
  };
}

/**
 * The recommender's top k for `user`, checked against the candidate rule: train items only, none
 * of the user's own, no repeats. A violation is the recommender's bug and fails the evaluation
 * rather than being silently repaired.
 */
function recommendedList(
  recommender: Recommender,
  data: InteractionData,
  user: number,
  k: number,
  exclude: ReadonlySet<number>,
): Int32Array {
  const items = recommender.recommend(user, k, exclude).items.subarray(0, k);
  const seen = new Set<number>();
  for (const item of items) {
    const problem =
      !Number.isInteger(item) || item < 0 || item >= data.numItems
        ? 'is not a train item'
        : exclude.has(item)
          ? "is one of the user's train items"
          : seen.has(item)
            ? 'is repeated'
            : undefined;
    if (problem) {
      throw new Error(
        `${recommender.algorithm} broke the candidate rule: item ${item} recommended to user index ${user} ${problem}`,
      );
    }
    seen.add(item);
  }
  return items;
}

/** Every combination of a grid's values, in the grid's order (the last key varies fastest). */
export function expandGrid(grid: ParamGrid): Params[] {
  return Object.entries(grid).reduce<Params[]>(
    (combinations, [name, values]) =>
      combinations.flatMap((params) => values.map((value) => ({ ...params, [name]: value }))),
    [{}],
  );
}

export interface TuningTrial {
  params: Params;
  ndcg: number;
}

export interface TuningResult {
  /** The setting with the best NDCG@k on the inner split (the first of equals). */
  params: Params;
  /** Every setting tried; empty when the grid has a single setting (nothing to choose). */
  trials: TuningTrial[];
}

/**
 * Chooses hyper-parameters by NDCG@k on an inner split: the same temporal holdout (the same
 * protocol as the outer one), made inside `train` (the outer train half). The outer test half is
 * never given, so it cannot be used.
 */
export function tune(
  factory: RecommenderFactory,
  grid: ParamGrid,
  train: RatingsDataset,
  k = DEFAULT_K,
  onTrial: (trial: TuningTrial) => void = () => undefined,
  holdout: HoldoutOptions = HOLDOUT,
): TuningResult {
  const settings = expandGrid(grid);
  if (settings.length === 0) throw new Error('tune: the grid has no setting');
  if (settings.length === 1) return { params: settings[0]!, trials: [] };
  const inner = splitDataset(train, holdout);
  const trials = settings.map((params) => {
    const trial = { params, ndcg: evaluate(factory(params), inner, k).ndcg };
    onTrial(trial);
    return trial;
  });
  const best = trials.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  return { params: best.params, trials };
}
