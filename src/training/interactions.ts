/**
 * Builds the dense, CSR-by-user `InteractionData` the algorithms work on from plain rating and
 * movie records, and maps MovieLens ids to the dense indices and back. Pure: no I/O, no Nest.
 */
import { GENRE_KEYS, GENRES } from '../catalog/genres.js';
import type { InteractionData } from './model.js';

export interface RatingInput {
  userId: number;
  movieId: number;
  rating: number;
  /** Seconds since the Unix epoch. */
  timestamp: number;
}

export interface MovieInput {
  id: number;
  /** Dataset genre names ("Sci-Fi", "(no genres listed)"); unknown names are ignored. */
  genres: readonly string[];
}

/** Genre flags per item in `itemGenres`, in GENRE_KEYS order. */
export const GENRE_COUNT = GENRE_KEYS.length;

const GENRE_INDEX = new Map<string, number>(GENRE_KEYS.map((key, index) => [GENRES[key], index]));

/**
 * The interaction matrix of `ratings`.
 *
 * - Users are the distinct userIds of `ratings`, items the distinct movieIds of `ratings` (a movie
 *   of `movies` that nobody rated is not an item; a rated movie missing from `movies` is an item
 *   with no genre flags). Both are numbered in ascending id order, so the result does not depend
 *   on the order of the input.
 * - Each user's entries are sorted by item index.
 * - A (user, movie) pair rated more than once keeps its latest rating (on equal timestamps, the
 *   later one in `ratings`), as ingestion does.
 */
export function buildInteractions(
  ratings: readonly RatingInput[],
  movies: readonly MovieInput[],
): InteractionData {
  const userIds = Int32Array.from(new Set(ratings.map((r) => r.userId))).sort();
  const itemIds = Int32Array.from(new Set(ratings.map((r) => r.movieId))).sort();
  const userIndex = indexMap(userIds);
  const itemIndex = indexMap(itemIds);

  // Order entries by (user, item, timestamp, input position): the last of each (user, item) wins.
  const order = ratings.map((_, position) => position);
  const userOf = Int32Array.from(ratings, (r) => userIndex.get(r.userId)!);
  const itemOf = Int32Array.from(ratings, (r) => itemIndex.get(r.movieId)!);
  order.sort(
    (a, b) =>
      userOf[a]! - userOf[b]! ||
      itemOf[a]! - itemOf[b]! ||
      ratings[a]!.timestamp - ratings[b]!.timestamp ||
      a - b,
  );
  const kept = order.filter(
    (position, i) =>
      i + 1 === order.length ||
      userOf[order[i + 1]!] !== userOf[position] ||
      itemOf[order[i + 1]!] !== itemOf[position],
  );

  const userPtr = new Int32Array(userIds.length + 1);
  const userItems = new Int32Array(kept.length);
  const userRatings = new Float32Array(kept.length);
  const userTimes = new Float64Array(kept.length);
  kept.forEach((position, i) => {
    userPtr[userOf[position]! + 1]!++;
    userItems[i] = itemOf[position]!;
    userRatings[i] = ratings[position]!.rating;
    userTimes[i] = ratings[position]!.timestamp;
  });
  for (let u = 0; u < userIds.length; u++) userPtr[u + 1]! += userPtr[u]!;

  const itemGenres = new Uint8Array(itemIds.length * GENRE_COUNT);
  for (const movie of movies) {
    const item = itemIndex.get(movie.id);
    if (item === undefined) continue;
    itemGenres.fill(0, item * GENRE_COUNT, (item + 1) * GENRE_COUNT); // a later duplicate row wins
    for (const name of movie.genres) {
      const genre = GENRE_INDEX.get(name);
      if (genre !== undefined) itemGenres[item * GENRE_COUNT + genre] = 1;
    }
  }

  return {
    numUsers: userIds.length,
    numItems: itemIds.length,
    userIds,
    itemIds,
    userPtr,
    userItems,
    userRatings,
    userTimes,
    itemGenres,
  };
}

/** MovieLens id → dense index lookups for an `InteractionData` (built once, O(users + items)). */
export interface InteractionIndex {
  /** The dense index of a MovieLens userId, or undefined when the user is not in the data. */
  user(userId: number): number | undefined;
  /** The dense index of a MovieLens movieId, or undefined when the movie is not an item. */
  item(movieId: number): number | undefined;
}

export function indexInteractions(data: Pick<InteractionData, 'userIds' | 'itemIds'>): InteractionIndex {
  const users = indexMap(data.userIds);
  const items = indexMap(data.itemIds);
  return { user: (userId) => users.get(userId), item: (movieId) => items.get(movieId) };
}

/** The item indices user `user` has in the data (empty for an index outside it). */
export function itemsOfUser(data: InteractionData, user: number): Int32Array {
  if (!Number.isInteger(user) || user < 0 || user >= data.numUsers) return new Int32Array(0);
  return data.userItems.subarray(data.userPtr[user]!, data.userPtr[user + 1]!);
}

function indexMap(ids: Int32Array): Map<number, number> {
  return new Map(Array.from(ids, (id, index) => [id, index]));
}
