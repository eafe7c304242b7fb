/**
 * Who the offline protocol scores and against what: each test user's relevant movies, the top-k
 * cut, and the seeded sample of test users scored on large data. Free of the rest of the app, so
 * that training can hold the same protocol out inside its own data (the blend weight search)
 * without depending on evaluation.
 */

/** What relevance reads of a held-out rating (training's RatingInput and the like). */
export interface RatedMovie {
  userId: number;
  movieId: number;
  rating: number;
}

/** Held-out ratings at or above this are the relevant items. */
export const RELEVANCE_THRESHOLD = 4.0;
export const DEFAULT_K = 10;

/** On large data only a seeded sample of the test users is scored (the means' standard error says how well). */
export interface UserSample {
  /** At most this many test users are scored; undefined = all. */
  maxUsers?: number;
  seed?: number;
}

/**
 * The test users scored: all of `userIds` (ascending), or `maxUsers` of them picked by a seeded
 * hash of their ids — the same users whatever the order or the model, so candidate and
 * production are scored on the same sample.
 */
export function sampleUsers(userIds: readonly number[], sample: UserSample = {}): number[] {
  const sorted = [...userIds].sort((a, b) => a - b);
  const { maxUsers, seed = 1 } = sample;
  if (maxUsers === undefined || sorted.length <= maxUsers) return sorted;
  const rank = (id: number) => mix32(Math.imul(id, 0x9e3779b1) ^ seed);
  return sorted
    .map((id) => ({ id, rank: rank(id) }))
    .sort((a, b) => a.rank - b.rank || a.id - b.id)
    .slice(0, maxUsers)
    .map((entry) => entry.id)
    .sort((a, b) => a - b);
}

/** A 32-bit integer mix (murmur3's finaliser), as an unsigned number. */
function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Relevant movieIds per test user (ratings >= RELEVANCE_THRESHOLD); users with none are left out,
 * so they are not evaluated.
 */
export function relevantByUser(test: readonly RatedMovie[]): Map<number, Set<number>> {
  const relevant = new Map<number, Set<number>>();
  for (const rating of test) {
    if (rating.rating < RELEVANCE_THRESHOLD) continue;
    const set = relevant.get(rating.userId);
    if (set) set.add(rating.movieId);
    else relevant.set(rating.userId, new Set([rating.movieId]));
  }
  return relevant;
}
