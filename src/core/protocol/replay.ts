/**
 * The replay protocol: what a service that learns between trainings gets. Train on everything
 * before a cut; replay the later ratings in time order; before each rating >= the relevance
 * threshold by a user with any earlier rating, rank that user's list as it would be served at that
 * moment (training history plus the ratings they sent since) and count a hit when the rated movie
 * is in the top k. No other user's future is visible at any event (Li et al., WSDM 2011). As in the
 * holdout protocols, the candidates are the movies in training: an event of a movie the training
 * data does not hold is not scored (no model could list it), only counted as unscored.
 *
 * Free of I/O and of the models (the training folder depends on this one): the caller fits the
 * models on the training data and passes one ranker per variant.
 */
import { DEFAULT_K, RELEVANCE_THRESHOLD } from './scored-users.js';

export interface ReplayRating {
  userId: number;
  movieId: number;
  rating: number;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** A user at one event of the replay, as a ranker sees them. */
export interface ReplayMoment {
  /** The user's index in the training data, or -1 for a user it never saw. */
  user: number;
  /** Item indices the user rated since the cut, newest first, with the ratings. */
  sinceItems: Int32Array;
  sinceRatings: Float32Array;
  /** Seconds since the epoch of the user's newest rating since the cut, if any. */
  lastRatedAt?: number;
  /** The event's time. */
  now: number;
}

/** The user's top k as item indices of the training data. */
export type ReplayRanker = (moment: ReplayMoment, k: number) => Int32Array;

export interface HitRate {
  /** Events scored (ratings >= the threshold by a user with an earlier rating). */
  events: number;
  users: number;
  /** Hits over events. */
  hitRate: number;
  /** The mean of each user's hit rate, and its standard error over users. */
  userMean: number;
  userSe: number;
}

export interface ReplayResult extends HitRate {
  variant: string;
  /** Users the training data knows, and users it never saw. */
  known: HitRate;
  new: HitRate;
}

export interface ReplayOptions {
  k?: number;
  /** Only the events of users for which this says true are ranked (all users' ratings still replay). */
  ranks?: (userId: number) => boolean;
  /** Stop ranking once this returns true (the rest still counts nowhere); checked between events. */
  stop?: () => boolean;
  /** Called every `every` ranked events with the number ranked so far. */
  onProgress?: (ranked: number) => void;
}

/**
 * The ratings from `cut` on (seconds since the epoch), in replay order: by time, ties by user then
 * movie, so a run does not depend on the input's order.
 */
export function replayEvents(ratings: readonly ReplayRating[], cut: number): ReplayRating[] {
  return ratings
    .filter((rating) => rating.timestamp >= cut)
    .sort((a, b) => a.timestamp - b.timestamp || a.userId - b.userId || a.movieId - b.movieId);
}

/** Runs the replay of `events` (replayEvents order) against `train` with every ranker. */
export function replay(
  /** The training data's id maps: index → MovieLens userId, index → movieId. */
  train: { userIds: Int32Array; itemIds: Int32Array },
  events: readonly ReplayRating[],
  rankers: Readonly<Record<string, ReplayRanker>>,
  options: ReplayOptions = {},
): { results: ReplayResult[]; complete: boolean; unscored: number } {
  const k = options.k ?? DEFAULT_K;
  const userIndex = new Map(Array.from(train.userIds, (id, index) => [id, index]));
  const itemIndex = new Map(Array.from(train.itemIds, (id, index) => [id, index]));
  const variants = Object.keys(rankers);
  const tallies = variants.map(() => new Tally());
  /** Each user's ratings since the cut, oldest first; a user with none yet is absent. */
  const since = new Map<number, { items: number[]; ratings: number[]; last: number }>();
  let ranked = 0;
  let unscored = 0;
  let complete = true;
  for (const event of events) {
    const user = userIndex.get(event.userId) ?? -1;
    const mine = since.get(event.userId);
    const hasEarlier = user >= 0 || mine !== undefined;
    const item = itemIndex.get(event.movieId);
    if (event.rating >= RELEVANCE_THRESHOLD && hasEarlier && (options.ranks?.(event.userId) ?? true)) {
      if (options.stop?.()) {
        complete = false;
        break;
      }
      if (item === undefined) unscored++;
      else {
        const moment = momentOf(user, mine, event.timestamp);
        variants.forEach((variant, v) => {
          tallies[v]!.add(event.userId, user >= 0, rankers[variant]!(moment, k).includes(item));
        });
        if (++ranked % 500 === 0) options.onProgress?.(ranked);
      }
    }
    const entry = mine ?? { items: [], ratings: [], last: event.timestamp };
    if (!mine) since.set(event.userId, entry);
    entry.last = event.timestamp;
    if (item !== undefined) {
      // A film rated again replaces its earlier rating (latest wins, as in the store).
      const before = entry.items.indexOf(item);
      if (before >= 0) {
        entry.items.splice(before, 1);
        entry.ratings.splice(before, 1);
      }
      entry.items.push(item);
      entry.ratings.push(event.rating);
    }
  }
  const results = variants.map((variant, v) => ({ variant, ...tallies[v]!.result() }));
  return { results, complete, unscored };
}

function momentOf(
  user: number,
  mine: { items: number[]; ratings: number[]; last: number } | undefined,
  now: number,
): ReplayMoment {
  if (!mine) return { user, sinceItems: new Int32Array(0), sinceRatings: new Float32Array(0), now };
  return {
    user,
    sinceItems: Int32Array.from(mine.items).reverse(),
    sinceRatings: Float32Array.from(mine.ratings).reverse(),
    lastRatedAt: mine.last,
    now,
  };
}

/** Hits by user, split into users the training data knows and those it does not. */
class Tally {
  private readonly byUser = new Map<number, { known: boolean; events: number; hits: number }>();

  add(userId: number, known: boolean, hit: boolean): void {
    let user = this.byUser.get(userId);
    if (!user) this.byUser.set(userId, (user = { known, events: 0, hits: 0 }));
    user.events++;
    if (hit) user.hits++;
  }

  result(): Omit<ReplayResult, 'variant'> {
    const all = [...this.byUser.values()];
    return {
      ...hitRateOf(all),
      known: hitRateOf(all.filter((user) => user.known)),
      new: hitRateOf(all.filter((user) => !user.known)),
    };
  }
}

function hitRateOf(users: readonly { events: number; hits: number }[]): HitRate {
  const events = users.reduce((sum, user) => sum + user.events, 0);
  const hits = users.reduce((sum, user) => sum + user.hits, 0);
  const rates = users.map((user) => user.hits / user.events);
  const n = rates.length;
  const mean = n === 0 ? 0 : rates.reduce((sum, rate) => sum + rate, 0) / n;
  const variance = n < 2 ? 0 : rates.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / (n - 1);
  return {
    events,
    users: n,
    hitRate: events === 0 ? 0 : hits / events,
    userMean: mean,
    userSe: Math.sqrt(variance / n || 0),
  };
}
