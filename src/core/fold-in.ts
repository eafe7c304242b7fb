import type { Recommendations, Recommender } from './model.js';

/**
 * What a user rated after the model was trained, in the model's item indices, newest first: a
 * model that can fold it in ranks the user from their training history plus these, without a new
 * fit (EASE and ease-seq score any history directly).
 */
export interface FoldIn {
  items: Int32Array;
  /** How much each rating counts in the scoring (foldInWeight of its value). */
  weights: Float32Array;
}

export const NO_FOLD_IN: FoldIn = { items: new Int32Array(0), weights: new Float32Array(0) };

/**
 * How a rating sent since training counts: a liked one (>= likedFrom) as a training interaction
 * (weight 1), a lower one by `lowWeight` (1 = like any other, 0 = only excluded, < 0 = against).
 */
export interface FoldInWeighting {
  likedFrom: number;
  lowWeight: number;
}

/**
 * Chosen by the replay protocol (docs/evaluation.md "Replay protocol"): for the served bundle on
 * ml-latest-small a low rating counting half ranks best (from 2017 and from 2018), above one
 * counting for nothing, like a liked one, or against; on generated data, whose rating values carry
 * little taste, counting like a liked one ranks best and half second, while nothing ranks per user
 * below no fold-in at all. Half is never worse than ranking from training only on either.
 */
export const FOLD_IN_WEIGHTING: FoldInWeighting = { likedFrom: 3.5, lowWeight: 0.5 };

export function foldInWeight(rating: number, weighting: FoldInWeighting = FOLD_IN_WEIGHTING): number {
  // A rating heard without its value (NaN) counts as a liked one, as it did before values were sent.
  return rating < weighting.likedFrom ? weighting.lowWeight : 1;
}

/** A model that ranks a user from their training history plus what they rated since. */
export interface FoldInRecommender extends Recommender {
  /**
   * The top `k` for user index `user` (-1 or any index outside the training data: a user the model
   * never saw) from their training history and `since`; never a training item, one of `since`, nor
   * one of `exclude`. A `since` item the user also rated in training counts once, at its new weight.
   */
  recommendWithFoldIn(user: number, since: FoldIn, k: number, exclude: ReadonlySet<number>): Recommendations;
}

export function canFoldIn(model: Recommender): model is FoldInRecommender {
  return typeof (model as Partial<FoldInRecommender>).recommendWithFoldIn === 'function';
}

/**
 * Whether `since` holds a liked rating (one counting fully): a user the model never saw is ranked
 * from their ratings only then. Ratings that are all low say what they do not want, not what they
 * do, and scaling them all alike would rank as if they were liked.
 */
export function hasLikedRating(since: FoldIn): boolean {
  return since.weights.some((weight) => weight >= 1);
}
