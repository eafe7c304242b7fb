import { GENRE_KEYS } from '../genres.js';
import type { InteractionData, Recommendations } from '../model.js';

/** Genre flags per item in InteractionData.itemGenres (GENRE_KEYS order). */
export const GENRE_COUNT = GENRE_KEYS.length;

/** Interactions per item and mean rating per item. */
export function itemStats(data: InteractionData): { counts: Int32Array; means: Float32Array } {
  const counts = new Int32Array(data.numItems);
  const sums = new Float64Array(data.numItems);
  const end = data.userPtr[data.numUsers]!;
  for (let e = 0; e < end; e++) {
    const item = data.userItems[e]!;
    counts[item]!++;
    sums[item]! += data.userRatings[e]!;
  }
  const means = new Float32Array(data.numItems);
  for (let i = 0; i < data.numItems; i++) means[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
  return { counts, means };
}

/**
 * Who counts in what every newcomer is shown (popularity, genre popularity, the fill after a
 * personal list runs out): users with an established history, so that a flood of new accounts
 * cannot move it. Established = at least `minRatings` ratings in the data, the first of them at
 * least `minAgeDays` before the data's newest rating. Both, because each alone is cheap to fake:
 * accounts with `minRatings` ratings can be made in seconds, and aged accounts with one rating
 * each can be made ahead of time. Not "ratings on several distinct days": on ml-latest-small 334
 * of 610 users rated everything on one day (a quarter of the ratings). 5 ratings keeps every real
 * user of the data at hand (MovieLens asks for 15 at sign-up; the offline split's train halves of
 * ml-latest-small hold 16 or more; the e2e fixture's users 8–15, 6 or more in a split), where 10
 * dropped the fixture's small users and made its popularity worse than the models it is the floor of.
 */
export const ESTABLISHED_USER = { minRatings: 5, minAgeDays: 7 } as const;

const DAY_SECONDS = 86_400;

/**
 * 1 for each user with an established history (ESTABLISHED_USER). When nobody has one (a new
 * service's first data), everyone counts: a flood cannot make established users disappear, so
 * this never lets it in where there is anyone to outweigh it.
 */
export function establishedUsers(
  data: InteractionData,
  rule: { minRatings: number; minAgeDays: number } = ESTABLISHED_USER,
): Uint8Array {
  const { numUsers, userPtr, userTimes } = data;
  const end = userPtr[numUsers]!;
  let newest = Number.NEGATIVE_INFINITY;
  for (let e = 0; e < end; e++) newest = Math.max(newest, userTimes[e]!);
  const joinedBy = newest - rule.minAgeDays * DAY_SECONDS;
  const flags = new Uint8Array(numUsers);
  let any = false;
  for (let u = 0; u < numUsers; u++) {
    if (userPtr[u + 1]! - userPtr[u]! < rule.minRatings) continue;
    let first = Number.POSITIVE_INFINITY;
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) first = Math.min(first, userTimes[e]!);
    if (first <= joinedBy) {
      flags[u] = 1;
      any = true;
    }
  }
  if (!any) flags.fill(1);
  return flags;
}

/**
 * itemStats over the ratings of established users only (establishedUsers), plus each item's
 * count of those ratings >= 4: the popularity a newcomer is shown.
 */
export function popularityStats(data: InteractionData): {
  counts: Int32Array;
  means: Float32Array;
  liked: Int32Array;
} {
  const counts = new Int32Array(data.numItems);
  const liked = new Int32Array(data.numItems);
  const sums = new Float64Array(data.numItems);
  const established = establishedUsers(data);
  for (let u = 0; u < data.numUsers; u++) {
    if (established[u] === 0) continue;
    for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) {
      const item = data.userItems[e]!;
      const rating = data.userRatings[e]!;
      counts[item]!++;
      sums[item]! += rating;
      if (rating >= 4) liked[item]!++;
    }
  }
  const means = new Float32Array(data.numItems);
  for (let i = 0; i < data.numItems; i++) means[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
  return { counts, means, liked };
}

/**
 * Item indices from most to least popular: by number of interactions, ties by mean rating (higher
 * first), then by index.
 */
export function popularityOrder(counts: Int32Array, means: Float32Array): Int32Array {
  const order = Int32Array.from({ length: counts.length }, (_, i) => i);
  order.sort((a, b) => counts[b]! - counts[a]! || means[b]! - means[a]! || a - b);
  return order;
}

/** `rank[item]` = position of the item in `order`. */
export function inverseOrder(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) rank[order[p]!] = p;
  return rank;
}

/** The first `k` items of `order` that are not excluded; `score(item)` gives each one's score. */
export function takeFromOrder(
  order: Int32Array,
  k: number,
  exclude: Pick<ReadonlySet<number>, 'has'>,
  score: (item: number, position: number) => number,
): Recommendations {
  const n = Math.max(0, Math.min(k, order.length));
  const items = new Int32Array(n);
  const scores = new Float32Array(n);
  let filled = 0;
  for (let p = 0; p < order.length && filled < n; p++) {
    const item = order[p]!;
    if (exclude.has(item)) continue;
    items[filled] = item;
    scores[filled] = score(item, p);
    filled++;
  }
  return filled === n
    ? { items, scores }
    : { items: items.slice(0, filled), scores: scores.slice(0, filled) };
}

/**
 * Bounded selection of the best `k` (highest score, ties by lower index) over `candidates`
 * (or over 0..scores.length-1 when null), skipping excluded items and items whose `skip` flag is set.
 * O(n log k); allocates only the result.
 */
export function selectTopK(
  scores: Float32Array | Float64Array,
  candidates: Int32Array | null,
  candidateCount: number,
  k: number,
  exclude: ReadonlySet<number>,
  skip: Uint8Array | null = null,
): { items: Int32Array; scores: Float32Array; count: number } {
  const cap = Math.max(0, k);
  const heapItems = new Int32Array(cap);
  const heapScores = new Float64Array(cap);
  let size = 0;
  const useExclude = exclude.size > 0;
  for (let c = 0; c < candidateCount; c++) {
    const item = candidates === null ? c : candidates[c]!;
    if (skip !== null && skip[item] === 1) continue;
    const s = scores[item]!;
    if (size === cap) {
      // root = worst kept; candidate must beat it
      const rs = heapScores[0]!;
      if (s < rs || (s === rs && item > heapItems[0]!)) continue;
      if (useExclude && exclude.has(item)) continue;
      siftDown(heapItems, heapScores, 0, size, item, s);
    } else {
      if (useExclude && exclude.has(item)) continue;
      // sift up
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        const ps = heapScores[parent]!;
        if (ps < s || (ps === s && heapItems[parent]! > item)) break; // parent is worse: stop
        heapItems[pos] = heapItems[parent]!;
        heapScores[pos] = ps;
        pos = parent;
      }
      heapItems[pos] = item;
      heapScores[pos] = s;
    }
  }
  // Pop worst first into the back of the output.
  const outItems = new Int32Array(size);
  const outScores = new Float32Array(size);
  for (let n = size; n > 0; n--) {
    outItems[n - 1] = heapItems[0]!;
    outScores[n - 1] = heapScores[0]!;
    const lastItem = heapItems[n - 1]!;
    const lastScore = heapScores[n - 1]!;
    siftDown(heapItems, heapScores, 0, n - 1, lastItem, lastScore);
  }
  return { items: outItems, scores: outScores, count: size };
}

/**
 * Replaces the root of the min-heap (worst at root) of `size` entries at `base` by (item, s) and
 * restores the heap order.
 */
export function siftDown(
  items: Int32Array,
  scores: Float64Array,
  base: number,
  size: number,
  item: number,
  s: number,
): void {
  let pos = 0;
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size) {
      const cs = scores[base + child]!;
      const rs = scores[base + right]!;
      // pick the worse child (lower score, or equal score and higher index)
      if (rs < cs || (rs === cs && items[base + right]! > items[base + child]!)) child = right;
    }
    const cs = scores[base + child]!;
    if (s < cs || (s === cs && item > items[base + child]!)) break;
    items[base + pos] = items[base + child]!;
    scores[base + pos] = cs;
    pos = child;
  }
  if (size > 0) {
    items[base + pos] = item;
    scores[base + pos] = s;
  }
}

/**
 * Completes `top` (best first) to `k` items with items from `order` that are neither excluded nor
 * already in `top`; the added ones get the last score (or 0), keeping scores non-increasing.
 */
export function fillFromOrder(
  top: { items: Int32Array; scores: Float32Array; count: number },
  k: number,
  order: Int32Array,
  exclude: ReadonlySet<number>,
  skip: Uint8Array | null = null,
): Recommendations {
  if (top.count >= k) return { items: top.items, scores: top.scores };
  const chosen = new Set<number>(top.items);
  const items: number[] = Array.from(top.items);
  const scores: number[] = Array.from(top.scores);
  const floor = top.count > 0 ? Math.min(top.scores[top.count - 1]!, 0) : 0;
  for (let p = 0; p < order.length && items.length < k; p++) {
    const item = order[p]!;
    if (chosen.has(item) || exclude.has(item) || (skip !== null && skip[item] === 1)) continue;
    items.push(item);
    scores.push(floor);
  }
  return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
}

/**
 * The order a personal model fills a list from when its own scores run out (a new user, a short
 * history): popularity among established users, like the popularity list itself.
 */
export function newcomerOrder(data: InteractionData): Int32Array {
  const { counts, means } = popularityStats(data);
  return popularityOrder(counts, means);
}
