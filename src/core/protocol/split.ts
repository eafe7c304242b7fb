/**
 * The per-user temporal holdout of the offline evaluation protocol (DESIGN.md): every user with at
 * least 5 ratings has the last 20% of their ratings by timestamp (ties by movieId; rounded up, at
 * least 1) held out as test, the rest is train; users with fewer than 5 ratings stay wholly in train.
 *
 * Two variants of what is tested. "session": the whole held-out block, which nearly always
 * continues the rating session the train half ends in. "next-day": only the held-out ratings at
 * least a gap (a day) after the user's last train rating, the ones in between dropped — what a
 * model retrained nightly meets when the user comes back.
 */

/** What the split reads of a rating (training's RatingInput and the like). */
export interface TimedRating {
  userId: number;
  movieId: number;
  timestamp: number;
}

export interface HoldoutOptions {
  /** Users with fewer ratings than this stay wholly in train. */
  minRatings: number;
  /** Share of each eligible user's ratings held out (the latest ones), rounded up, at least 1. */
  testFraction: number;
  /**
   * When set, a held-out rating is tested only if it comes at least this many seconds after the
   * user's last train rating; the held-out ratings before that are dropped (neither train nor test).
   */
  gapSeconds?: number;
}

export const HOLDOUT: HoldoutOptions = { minRatings: 5, testFraction: 0.2 };

export const PROTOCOLS = ['session', 'next-day'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const DAY_SECONDS = 86_400;

/** The holdout of a protocol; next-day's gap defaults to one day. */
export function holdoutOf(protocol: Protocol, gapSeconds = DAY_SECONDS): HoldoutOptions {
  return protocol === 'session' ? HOLDOUT : { ...HOLDOUT, gapSeconds };
}

export interface TemporalSplit<R extends TimedRating = TimedRating> {
  train: R[];
  test: R[];
}

/** How many of a user's `count` ratings are held out. */
export function holdoutSize(count: number, options: HoldoutOptions = HOLDOUT): number {
  if (count < options.minRatings) return 0;
  // Rounded to 1e-9 first so that e.g. 35 × 0.2 = 7.000000000000001 does not round up to 8.
  const exact = Math.round(count * options.testFraction * 1e9) / 1e9;
  return Math.min(count, Math.max(1, Math.ceil(exact)));
}

/**
 * Splits `ratings` (one rating per user and movie) per user by time. Deterministic and independent
 * of the input order: both halves list users by ascending userId, each user's ratings by
 * (timestamp, movieId). The input is not modified.
 */
export function temporalSplit<R extends TimedRating>(
  ratings: readonly R[],
  options: HoldoutOptions = HOLDOUT,
): TemporalSplit<R> {
  const byUser = new Map<number, R[]>();
  for (const rating of ratings) {
    const list = byUser.get(rating.userId);
    if (list) list.push(rating);
    else byUser.set(rating.userId, [rating]);
  }
  const train: R[] = [];
  const test: R[] = [];
  for (const userId of [...byUser.keys()].sort((a, b) => a - b)) {
    const history = byUser.get(userId)!.sort((a, b) => a.timestamp - b.timestamp || a.movieId - b.movieId);
    const cut = history.length - holdoutSize(history.length, options);
    const testFrom =
      options.gapSeconds === undefined || cut === 0
        ? Number.NEGATIVE_INFINITY
        : history[cut - 1]!.timestamp + options.gapSeconds;
    history.forEach((rating, i) => {
      if (i < cut) train.push(rating);
      else if (rating.timestamp >= testFrom) test.push(rating);
    });
  }
  return { train, test };
}
