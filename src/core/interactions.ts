/**
 * Builds the dense, CSR-by-user `InteractionData` the algorithms work on from plain rating and
 * movie records, and maps MovieLens ids to the dense indices and back. Pure: no I/O, no Nest.
 */
import { GENRE_KEYS, GENRES } from './genres.js';
import type { RatingColumns } from './rating-columns.js';
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
 * The interaction matrix of `ratings` (objects or columns).
 *
 * - Users are the distinct userIds of `ratings`, items the distinct movieIds of `ratings` (a movie
 *   of `movies` that nobody rated is not an item; a rated movie missing from `movies` is an item
 *   with no genre flags). Both are numbered in ascending id order, so the result does not depend
 *   on the order of the input.
 * - Each user's entries are sorted by item index.
 * - A (user, movie) pair rated more than once keeps its latest rating (on equal timestamps, the
 *   later one in `ratings`), as ingestion does.
 *
 * Linear in the ratings: two stable counting sorts (by item, then by user), no comparison sort, so
 * 25M ratings take seconds.
 */
export function buildInteractions(
  ratings: readonly RatingInput[] | RatingColumns,
  movies: readonly MovieInput[],
): InteractionData {
  const columns = Array.isArray(ratings)
    ? columnsOf(ratings as readonly RatingInput[])
    : (ratings as RatingColumns);
  const n = columns.length;
  const userIds = distinctSorted(columns.userIds.subarray(0, n));
  const itemIds = distinctSorted(columns.movieIds.subarray(0, n));
  const userOf = Int32Array.from(columns.userIds.subarray(0, n), (id) => indexOf(userIds, id));
  const itemOf = Int32Array.from(columns.movieIds.subarray(0, n), (id) => indexOf(itemIds, id));

  // Positions ordered by (user, item, input position).
  const byItem = countingSort(itemOf, itemIds.length, identity(n));
  const order = countingSort(userOf, userIds.length, byItem);

  // Of each run of one (user, item), the latest rating wins; on equal timestamps the later position.
  const kept: number[] = [];
  for (let start = 0; start < n;) {
    const user = userOf[order[start]!]!;
    const item = itemOf[order[start]!]!;
    let winner = order[start]!;
    let end = start + 1;
    for (; end < n && userOf[order[end]!] === user && itemOf[order[end]!] === item; end++) {
      const position = order[end]!;
      if (columns.timestamps[position]! >= columns.timestamps[winner]!) winner = position;
    }
    kept.push(winner);
    start = end;
  }

  const userPtr = new Int32Array(userIds.length + 1);
  const userItems = new Int32Array(kept.length);
  const userRatings = new Float32Array(kept.length);
  const userTimes = new Float64Array(kept.length);
  kept.forEach((position, i) => {
    userPtr[userOf[position]! + 1]!++;
    userItems[i] = itemOf[position]!;
    userRatings[i] = columns.ratings[position]!;
    userTimes[i] = columns.timestamps[position]!;
  });
  for (let u = 0; u < userIds.length; u++) userPtr[u + 1]! += userPtr[u]!;

  const itemGenres = new Uint8Array(itemIds.length * GENRE_COUNT);
  for (const movie of movies) {
    const item = indexOf(itemIds, movie.id);
    if (item < 0) continue;
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

/**
 * `data` with its arrays copied into one SharedArrayBuffer: handed to several worker threads, it is
 * shared, not copied, so the bundle's parallel fits hold one interaction matrix between them (at 25M
 * ratings about 500 MB, plus what building it takes). The arrays are read, never written, by the fits.
 */
export function shareInteractions(data: InteractionData): InteractionData {
  const { userTimes, userIds, itemIds, userPtr, userItems, userRatings, itemGenres } = data;
  const arrays = [userTimes, userIds, itemIds, userPtr, userItems, userRatings, itemGenres];
  const shared = new SharedArrayBuffer(arrays.reduce((bytes, array) => bytes + array.byteLength, 0));
  let at = 0;
  const place = <T extends Float64Array | Int32Array | Float32Array | Uint8Array>(
    array: T,
    View: new (buffer: SharedArrayBuffer, offset: number, length: number) => T,
  ): T => {
    const view = new View(shared, at, array.length);
    view.set(array);
    at += array.byteLength;
    return view;
  };
  // Widest elements first (properties are placed in this order), so each array is aligned.
  return {
    ...data,
    userTimes: place(userTimes, Float64Array),
    userIds: place(userIds, Int32Array),
    itemIds: place(itemIds, Int32Array),
    userPtr: place(userPtr, Int32Array),
    userItems: place(userItems, Int32Array),
    userRatings: place(userRatings, Float32Array),
    itemGenres: place(itemGenres, Uint8Array),
  };
}

export function columnsOf(ratings: readonly RatingInput[]): RatingColumns {
  return {
    length: ratings.length,
    userIds: Int32Array.from(ratings, (r) => r.userId),
    movieIds: Int32Array.from(ratings, (r) => r.movieId),
    ratings: Float32Array.from(ratings, (r) => r.rating),
    timestamps: Float64Array.from(ratings, (r) => r.timestamp),
  };
}

export function ratingsOf(columns: RatingColumns): RatingInput[] {
  return Array.from({ length: columns.length }, (_, i) => ({
    userId: columns.userIds[i]!,
    movieId: columns.movieIds[i]!,
    rating: columns.ratings[i]!,
    timestamp: columns.timestamps[i]!,
  }));
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** The distinct values of `values`, ascending. */
function distinctSorted(values: Int32Array): Int32Array {
  const sorted = Int32Array.from(values).sort();
  let size = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[size++] = sorted[i]!;
  return sorted.slice(0, size);
}

/** The index of `id` in ascending `ids`, or -1. */
function indexOf(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = ids[mid]!;
    if (value === id) return mid;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** `positions` reordered by key[position] (0 … keys-1), keeping their order within a key. */
function countingSort(key: Int32Array, keys: number, positions: Int32Array): Int32Array {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < positions.length; i++) start[key[positions[i]!]! + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const out = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) out[start[key[positions[i]!]!]!++] = positions[i]!;
  return out;
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
