import { relevantByUser, sampleUsers } from './scored-users.js';

const r = (userId: number, movieId: number, rating: number) => ({ userId, movieId, rating });

describe('relevantByUser', () => {
  it('keeps held-out movies rated 4.0 or more, and only users with one', () => {
    const relevant = relevantByUser([r(1, 1, 4), r(1, 2, 3.5), r(2, 3, 0.5), r(3, 4, 5)]);
    expect([...relevant.entries()].map(([u, s]) => [u, [...s]])).toEqual([
      [1, [1]],
      [3, [4]],
    ]);
  });
});

describe('sampleUsers', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => 1000 - i);

  it('keeps every user, ascending, when there are no more than asked', () => {
    expect(sampleUsers([3, 1, 2])).toEqual([1, 2, 3]);
    expect(sampleUsers([3, 1, 2], { maxUsers: 3 })).toEqual([1, 2, 3]);
  });

  it('picks the same seeded sample whatever the order, ascending', () => {
    const sample = sampleUsers(ids, { maxUsers: 100, seed: 7 });
    expect(sample).toHaveLength(100);
    expect(new Set(sample).size).toBe(100);
    expect(sample).toEqual([...sample].sort((a, b) => a - b));
    expect(sampleUsers([...ids].reverse(), { maxUsers: 100, seed: 7 })).toEqual(sample);
    expect(sampleUsers(ids, { maxUsers: 100, seed: 8 })).not.toEqual(sample);
    // Spread over the ids, not their first hundred.
    expect(Math.max(...sample)).toBeGreaterThan(500);
  });
});
