/**
 * The movies each user rated after the serving version was trained (feedback, or batches applied
 * since), kept in memory so recommendations never return them and no request queries the database.
 */
export class RatedSince {
  private readonly byUser = new Map<number, Set<number>>();
  /** Seconds since the epoch of each user's newest rating here (tells who is in a session). */
  private readonly newest = new Map<number, number>();

  constructor(rows: Iterable<{ userId: number; movieId: number; ratedAt?: number }> = []) {
    for (const row of rows) this.add(row.userId, row.movieId, row.ratedAt);
  }

  /** `ratedAt` in seconds since the epoch; a rating heard without one counts as rated now. */
  add(userId: number, movieId: number, ratedAt = Date.now() / 1000): void {
    let movies = this.byUser.get(userId);
    if (!movies) this.byUser.set(userId, (movies = new Set()));
    movies.add(movieId);
    this.newest.set(userId, Math.max(this.newest.get(userId) ?? Number.NEGATIVE_INFINITY, ratedAt));
  }

  of(userId: number): ReadonlySet<number> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  /** When the user last rated since training (seconds since the epoch), if they did. */
  lastRatedAt(userId: number): number | undefined {
    return this.newest.get(userId);
  }

  get size(): number {
    let total = 0;
    for (const movies of this.byUser.values()) total += movies.size;
    return total;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/** Parses a RATING_CHANNEL payload ("userId:movieId"); undefined when malformed. */
export function parseRatingPayload(
  payload: string | undefined,
): { userId: number; movieId: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(payload ?? '');
  return match ? { userId: Number(match[1]), movieId: Number(match[2]) } : undefined;
}
