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
 * Chosen by the replay protocol on ml-latest-small (docs/evaluation.md "Replay protocol"): for the
 * served bundle a low rating counting for nothing ranks within noise of the best weight tried (half)
 * and above one counting like a liked rating or against; half is refused all the same, because
 * scaling every rating of a user whose ratings are all low changes nothing of their ranking — it
 * would serve five ratings of 0.5 as five of 5.0.
 */
export const FOLD_IN_WEIGHTING: FoldInWeighting = { likedFrom: 3.5, lowWeight: 0 };

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

/** Whether `since` holds a rating that pulls towards films (a positive weight). */
export function hasPositiveWeight(since: FoldIn): boolean {
  return since.weights.some((weight) => weight > 0);
}
