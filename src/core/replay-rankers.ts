/**
 * The replay protocol's variants: how each would rank a user at one moment of the replay.
 * popularity (the floor), nightly (a model ranking from training only, a new user getting
 * popularity), fold-in (the same model ranking from the training history plus the ratings since),
 * served (the pipeline's bundle as the service ranks, its path chosen by rankUser).
 */
import { PopularityRecommender } from './algorithms/popularity.js';
import {
  type FoldIn,
  type FoldInRecommender,
  type FoldInWeighting,
  foldInWeight,
  hasLikedRating,
} from './fold-in.js';
import { itemsOfUser } from './interactions.js';
import { type ModelBundle, rankUser, type UserRankingOptions } from './model-bundle.js';
import type { InteractionData, Recommender } from './model.js';
import type { ReplayMoment, ReplayRanker } from './protocol/replay.js';

/** The moment's ratings since as a model folds them in, weighted by `weighting`. */
function foldInOf(moment: ReplayMoment, weighting: FoldInWeighting): FoldIn {
  return {
    items: moment.sinceItems,
    weights: Float32Array.from(moment.sinceRatings, (rating) => foldInWeight(rating, weighting)),
  };
}

/** Never a training item of the user nor one rated since. */
function seenBy(train: InteractionData, moment: ReplayMoment): Set<number> {
  return new Set([...itemsOfUser(train, moment.user), ...moment.sinceItems]);
}

export function popularityRanker(train: InteractionData): ReplayRanker {
  const popular = new PopularityRecommender();
  popular.fit(train);
  return (moment, k) => popular.recommend(-1, k, seenBy(train, moment)).items;
}

/** `model` ranks known users from training only; a new user gets popularity. */
export function nightlyRanker(model: Recommender, popularity: ReplayRanker): ReplayRanker {
  return (moment, k) =>
    moment.user >= 0
      ? model.recommend(moment.user, k, new Set(moment.sinceItems)).items
      : popularity(moment, k);
}

/**
 * `model` ranks from the training history plus the ratings since; a new user with no liked rating
 * gets popularity (as rankUser serves them).
 */
export function foldInRanker(
  model: FoldInRecommender,
  weighting: FoldInWeighting,
  popularity: ReplayRanker,
): ReplayRanker {
  return (moment, k) => {
    const since = foldInOf(moment, weighting);
    if (moment.user < 0 && !hasLikedRating(since)) return popularity(moment, k);
    return model.recommendWithFoldIn(moment.user, since, k, new Set()).items;
  };
}

/** The bundle as the service ranks a user at the moment (rankUser), with or without fold-in. */
export function servedRanker(
  bundle: ModelBundle,
  options: UserRankingOptions,
  weighting: FoldInWeighting,
): ReplayRanker {
  return (moment, k) => {
    const since = foldInOf(moment, weighting);
    const at = { user: moment.user, since, now: moment.now };
    const withLast = moment.lastRatedAt === undefined ? at : { ...at, lastRatedAt: moment.lastRatedAt };
    return rankUser(bundle, withLast, k, new Set(), options).ranked.items;
  };
}
