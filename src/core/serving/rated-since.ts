/** One user's ratings since training, oldest first (parallel arrays). */
export interface UserRatingsSince {
  readonly movies: readonly number[];
  /** The rating of each (NaN when only the movie was heard). */
  readonly ratings: readonly number[];
  /** Seconds since the epoch of each. */
  readonly times: readonly number[];
}

export interface RatedSinceLimits {
  /** Ratings held in all; beyond it the users who rated least recently are dropped whole. */
  maxRatings: number;
  /** Ratings held per user; beyond it the user's oldest are dropped. */
  maxPerUser: number;
}

interface MutableUserRatings {
  movies: number[];
  ratings: number[];
  times: number[];
}

/**
 * The ratings each user sent or had applied after the serving version was trained, in memory so
 * that their next list folds them in (and never returns them) with no database query on the
 * request path. Bounded: a user's newest `maxPerUser`, and `maxRatings` in all, the users who rated
 * least recently dropped first (a Map keeps insertion order; a user who rates moves to its end).
 */
export class RatedSince {
  private readonly byUser = new Map<number, MutableUserRatings>();
  private held = 0;
  /** Ratings dropped by the limits since this set was made. */
  dropped = 0;

  constructor(
    private readonly limits: RatedSinceLimits,
    rows: Iterable<{ userId: number; movieId: number; rating?: number; ratedAt?: number }> = [],
  ) {
    for (const row of rows) this.add(row.userId, row.movieId, row.rating, row.ratedAt);
  }

  /** `ratedAt` in seconds since the epoch; a rating heard without one counts as rated now. */
  add(userId: number, movieId: number, rating = Number.NaN, ratedAt = Date.now() / 1000): void {
    let user = this.byUser.get(userId);
    if (user) this.byUser.delete(userId);
    else user = { movies: [], ratings: [], times: [] };
    this.byUser.set(userId, user);
    const before = user.movies.indexOf(movieId);
    if (before >= 0) this.removeAt(user, before);
    // Kept in time order: a row read from the database may be older than one heard meanwhile.
    let at = user.times.length;
    while (at > 0 && user.times[at - 1]! > ratedAt) at--;
    user.movies.splice(at, 0, movieId);
    user.ratings.splice(at, 0, rating);
    user.times.splice(at, 0, ratedAt);
    this.held++;
    while (user.movies.length > this.limits.maxPerUser) this.drop(() => this.removeAt(user, 0));
    while (this.held > this.limits.maxRatings) this.dropLeastRecentUser();
  }

  of(userId: number): UserRatingsSince | undefined {
    return this.byUser.get(userId);
  }

  /** When the user last rated since training (seconds since the epoch), if they did. */
  lastRatedAt(userId: number): number | undefined {
    const times = this.byUser.get(userId)?.times;
    return times && times.length > 0 ? times[times.length - 1] : undefined;
  }

  /** Ratings held. */
  get size(): number {
    return this.held;
  }

  get users(): number {
    return this.byUser.size;
  }

  private removeAt(user: MutableUserRatings, index: number): void {
    user.movies.splice(index, 1);
    user.ratings.splice(index, 1);
    user.times.splice(index, 1);
    this.held--;
  }

  private drop(remove: () => void): void {
    remove();
    this.dropped++;
  }

  private dropLeastRecentUser(): void {
    const [userId, user] = this.byUser.entries().next().value as [number, MutableUserRatings];
    this.byUser.delete(userId);
    this.held -= user.movies.length;
    this.dropped += user.movies.length;
  }
}

/**
 * Parses a RATING_CHANNEL payload ("userId:movieId:rating:epochSeconds", or "userId:movieId" as
 * older processes send it); undefined when malformed.
 */
export function parseRatingPayload(
  payload: string | undefined,
): { userId: number; movieId: number; rating?: number; ratedAt?: number } | undefined {
  const match = /^(\d+):(\d+)(?::(\d+(?:\.\d+)?):(\d+(?:\.\d+)?))?$/.exec(payload ?? '');
  if (!match) return undefined;
  const rated = match[3] === undefined ? {} : { rating: Number(match[3]), ratedAt: Number(match[4]) };
  return { userId: Number(match[1]), movieId: Number(match[2]), ...rated };
}
