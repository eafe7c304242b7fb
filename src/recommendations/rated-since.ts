/**
 * The movies each user rated after the serving version was trained (feedback, or batches applied
 * since), kept in memory so recommendations never return them and no request queries the database.
 */
export class RatedSince {
  private readonly byUser = new Map<number, Set<number>>();

  constructor(rows: Iterable<{ userId: number; movieId: number }> = []) {
    for (const row of rows) this.add(row.userId, row.movieId);
  }

  add(userId: number, movieId: number): void {
    let movies = this.byUser.get(userId);
    if (!movies) this.byUser.set(userId, (movies = new Set()));
    movies.add(movieId);
  }

  of(userId: number): ReadonlySet<number> {
    return this.byUser.get(userId) ?? EMPTY;
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
