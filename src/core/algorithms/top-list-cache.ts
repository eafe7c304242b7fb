import type { Recommendations } from '../model.js';
import { fillFromOrder, takeFromOrder } from './common.js';
import { type DecodedModel, pickArrays, takeArrays } from './serialization.js';

/**
 * Each known user's best `size` items, ranked once at fit time (CSR by user), so serving a user
 * walks a short list instead of scoring every item. Used by the models whose scoring is dense
 * (EASE, ease-seq).
 */
export interface TopListCache {
  size: number;
  ptr: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

export type Ranked = Recommendations & { count: number };

/**
 * Ranks every user with history (userPtr: CSR of the training items by user) through
 * `rank(u, size)`, best first, and keeps the lists.
 */
export function buildTopListCache(
  userPtr: Int32Array,
  size: number,
  rank: (user: number, k: number) => Ranked,
): TopListCache {
  const numUsers = userPtr.length - 1;
  const hasHistory = (u: number) => userPtr[u] !== userPtr[u + 1];
  const ptr = new Int32Array(numUsers + 1);
  const lists: Ranked[] = [];
  for (let u = 0; u < numUsers; u++) {
    const top = size > 0 && hasHistory(u) ? rank(u, size) : null;
    if (top !== null) lists.push(top);
    ptr[u + 1] = ptr[u]! + (top === null ? 0 : top.count);
  }
  const items = new Int32Array(ptr[numUsers]!);
  const scores = new Float32Array(ptr[numUsers]!);
  let at = 0;
  for (const list of lists) {
    items.set(list.items.subarray(0, list.count), at);
    scores.set(list.scores.subarray(0, list.count), at);
    at += list.count;
  }
  return { size, ptr, items, scores };
}

/** What serving from the cache needs of a model: the cache, the training items, the fill order. */
export interface CachedModel {
  cache: TopListCache;
  /** CSR of the training items by user. */
  userPtr: Int32Array;
  userItems: Int32Array;
  /** Popularity order, for users without history and to top up short lists. */
  order: Int32Array;
  /** A zeroed flag per item, borrowed during a call. */
  seen: Uint8Array;
}

/**
 * The user's top `k`, never a training item of theirs nor one of `exclude`: the popularity order
 * for a user without history; else the cached list. When it runs out, a full list (shorter than
 * the cache size: it held every candidate) is topped up from the order, else — rare, `exclude` ate
 * it — `rerank(k)` scores the user again.
 */
export function recommendFromCache(
  model: CachedModel,
  user: number,
  k: number,
  exclude: ReadonlySet<number>,
  rerank: (k: number) => Ranked,
): Recommendations {
  const { cache, userPtr, order } = model;
  if (!(user >= 0 && user < userPtr.length - 1) || userPtr[user] === userPtr[user + 1]) {
    return takeFromOrder(order, k, exclude, () => 0);
  }
  if (k <= 0) return { items: new Int32Array(0), scores: new Float32Array(0) };
  const a = cache.ptr[user]!;
  const z = cache.ptr[user + 1]!;
  const items = new Int32Array(k);
  const scores = new Float32Array(k);
  let n = 0;
  for (let c = a; c < z && n < k; c++) {
    const item = cache.items[c]!;
    if (exclude.has(item)) continue;
    items[n] = item;
    scores[n++] = cache.scores[c]!;
  }
  if (n === k) return { items, scores };
  const top =
    z - a >= cache.size
      ? rerank(k)
      : { items: items.subarray(0, n), scores: scores.subarray(0, n), count: n };
  const marks = trainingItemMarks(model.seen, userPtr, model.userItems, user);
  try {
    return fillFromOrder(top, k, order, exclude, marks.mark());
  } finally {
    marks.unmark();
  }
}

/** Marks (and then clears) a user's training items in a reusable per-item flag array. */
function trainingItemMarks(seen: Uint8Array, userPtr: Int32Array, userItems: Int32Array, user: number) {
  const a = userPtr[user]!;
  const z = userPtr[user + 1]!;
  return {
    mark: () => {
      for (let e = a; e < z; e++) seen[userItems[e]!] = 1;
      return seen;
    },
    unmark: () => {
      for (let e = a; e < z; e++) seen[userItems[e]!] = 0;
    },
  };
}

/** The cache's arrays, stored as cachePtr, cacheItems, cacheScores (in that order). */
const CACHE_ARRAYS = { ptr: 'i32', items: 'i32', scores: 'f32' } as const;

/** The cache's arrays under the names a serialized model stores them. */
export function cacheArrays(cache: TopListCache) {
  return pickArrays(cache, CACHE_ARRAYS, 'cache');
}

/** The cache a serialized model stored (see cacheArrays), for lists of at most `size`. */
export function takeCache(d: DecodedModel, size: number): TopListCache {
  return { size, ...takeArrays(d, CACHE_ARRAYS, 'cache') };
}

/** An empty cache (no lists), the state of a model before fit. */
export function emptyCache(): TopListCache {
  return { size: 0, ptr: new Int32Array(1), items: new Int32Array(0), scores: new Float32Array(0) };
}
