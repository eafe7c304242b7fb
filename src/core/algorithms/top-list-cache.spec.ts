import { decodeModel, encodeModel } from './serialization.js';
import {
  buildTopListCache,
  cacheArrays,
  emptyCache,
  recommendFromCache,
  takeCache,
} from './top-list-cache.js';

describe('top-list cache', () => {
  // Two users with history (u0: item 0, u1: item 1) and one without (u2); 5 items.
  const userPtr = Int32Array.from([0, 1, 2, 2]);
  const userItems = Int32Array.from([0, 1]);
  const ranking: Record<number, number[]> = { 0: [4, 3, 2], 1: [0, 2] };
  const rank = (u: number, k: number) => {
    const items = Int32Array.from(ranking[u]!.slice(0, k));
    return { items, scores: Float32Array.from(items, (_, p) => 10 - p), count: items.length };
  };
  const cache = buildTopListCache(userPtr, 2, rank);
  const order = Int32Array.from([0, 1, 2, 3, 4]);
  const seen = new Uint8Array(5);
  /** Serves from the cache; a rerank scores the full ranking without the excluded items. */
  const serve = (user: number, k: number, exclude: number[]) => {
    const rerank = (n: number) => {
      const items = Int32Array.from(ranking[user]!.filter((item) => !exclude.includes(item)).slice(0, n));
      return { items, scores: Float32Array.from(items, () => 1), count: items.length };
    };
    const model = { cache, userPtr, userItems, order, seen };
    return Array.from(recommendFromCache(model, user, k, new Set(exclude), rerank).items);
  };

  it('keeps the best `size` items of each user with history, none for the others', () => {
    expect(Array.from(cache.ptr)).toEqual([0, 2, 4, 4]);
    expect(Array.from(cache.items)).toEqual([4, 3, 0, 2]);
  });

  it('answers from the list while it lasts', () => {
    expect(serve(0, 2, [])).toEqual([4, 3]);
    expect(serve(0, 1, [4])).toEqual([3]);
  });

  it('ranks again when exclusions eat a truncated list, and fills from popularity, never a seen item', () => {
    // u0's list [4, 3] is cut at size 2: excluding 4 and asking for 2 reranks (→ 3, 2).
    expect(serve(0, 2, [4])).toEqual([3, 2]);
    // Asking for more than the ranking holds fills from the order, skipping item 0 (u0's own).
    expect(serve(0, 4, [])).toEqual([4, 3, 2, 1]);
    expect(Array.from(seen)).toEqual([0, 0, 0, 0, 0]);
  });

  it('is stored as cachePtr, cacheItems, cacheScores and read back whole', () => {
    const arrays = cacheArrays(cache);
    expect(Object.keys(arrays)).toEqual(['cachePtr', 'cacheItems', 'cacheScores']);
    const decoded = decodeModel(encodeModel({ algorithm: 'x', params: {}, meta: {} }, arrays));
    expect(takeCache(decoded, 2)).toEqual(cache);
  });

  it('starts empty, with no lists', () => {
    const empty = emptyCache();
    expect(empty).toEqual({
      size: 0,
      ptr: new Int32Array(1),
      items: new Int32Array(0),
      scores: new Float32Array(0),
    });
  });

  it('gives a user without history the popularity order', () => {
    expect(serve(2, 3, [0])).toEqual([1, 2, 3]);
    expect(serve(99, 2, [])).toEqual([0, 1]);
  });
});
