import { fillFromOrder, popularityOrder, selectTopK } from './common.js';

describe('selectTopK', () => {
  const scores = Float64Array.from([0.5, 2, 2, -1, 3, 0.5]);

  it('takes the best k, best first, ties by lower index', () => {
    const top = selectTopK(scores, null, scores.length, 4, new Set());
    expect(Array.from(top.items)).toEqual([4, 1, 2, 0]);
    expect(Array.from(top.scores)).toEqual([3, 2, 2, 0.5]);
  });

  it('breaks ties by lower index while the heap is still filling', () => {
    const ties = Float64Array.from([1, 2, 1, 2, 1]);
    expect(Array.from(selectTopK(ties, null, 5, 10, new Set()).items)).toEqual([1, 3, 0, 2, 4]);
    expect(Array.from(selectTopK(ties, null, 5, 3, new Set()).items)).toEqual([1, 3, 0]);
  });

  it('skips excluded and masked items, and returns fewer when there are fewer', () => {
    const top = selectTopK(
      scores,
      Int32Array.from([0, 3, 4, 5]),
      4,
      10,
      new Set([4]),
      Uint8Array.from([0, 0, 0, 0, 0, 1]),
    );
    expect(Array.from(top.items)).toEqual([0, 3]);
    expect(top.count).toBe(2);
  });

  it('agrees with a full sort on random scores', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const many = Float64Array.from({ length: 500 }, () => Math.floor(rnd() * 50));
    const expected = Array.from(many.keys())
      .sort((a, b) => many[b]! - many[a]! || a - b)
      .slice(0, 37);
    expect(Array.from(selectTopK(many, null, many.length, 37, new Set()).items)).toEqual(expected);
  });
});

describe('popularity helpers', () => {
  it('orders by count, then mean, then index', () => {
    const order = popularityOrder(Int32Array.from([2, 3, 3, 1, 3]), Float32Array.from([5, 4, 4.5, 5, 4]));
    expect(Array.from(order)).toEqual([2, 1, 4, 0, 3]);
  });

  it('fills a short list from the order, skipping chosen, excluded and masked items', () => {
    const top = { items: Int32Array.from([3]), scores: Float32Array.from([0.7]), count: 1 };
    const filled = fillFromOrder(
      top,
      4,
      Int32Array.from([0, 1, 2, 3, 4]),
      new Set([1]),
      Uint8Array.from([1, 0, 0, 0, 0]),
    );
    expect(Array.from(filled.items)).toEqual([3, 2, 4]);
    expect(Array.from(filled.scores)).toEqual([Math.fround(0.7), 0, 0]);
  });
});
