import { describe, expect, it } from 'vitest';
import { StagedKeys } from './staged-keys.js';

const fold = (rows: [number, number][], keys = new StagedKeys()) => {
  for (const [user, movie] of rows) keys.add(user, movie);
  return keys.summary();
};

describe('StagedKeys', () => {
  it('proves a file grouped by user free of duplicates, and lists its movies once each', () => {
    const summary = fold([
      [1, 10],
      [1, 20],
      [2, 10],
      [3, 30],
      [3, 10],
    ]);
    expect(summary.mayHoldDuplicates).toBe(false);
    expect(summary.movieIds?.sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });

  it('sees a movie twice in one user’s run', () => {
    expect(
      fold([
        [1, 10],
        [1, 20],
        [1, 10],
      ]).mayHoldDuplicates,
    ).toBe(true);
  });

  it('cannot prove anything once a user comes back after another, even without a repeat', () => {
    expect(
      fold([
        [1, 10],
        [2, 10],
        [1, 20],
      ]).mayHoldDuplicates,
    ).toBe(true);
  });

  it('keeps the movie list after giving up on duplicates', () => {
    const summary = fold([
      [1, 10],
      [2, 20],
      [1, 30],
      [3, 40],
    ]);
    expect(summary).toMatchObject({ mayHoldDuplicates: true });
    expect(summary.movieIds?.sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
  });

  it('stops keeping ids past its bounds rather than growing', () => {
    const rows: [number, number][] = [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ];
    // A movie id past the bound: nothing is known, the database checks everything.
    expect(fold(rows, new StagedKeys(3, 100))).toEqual({ mayHoldDuplicates: true });
    // More users than it keeps: the movies are still listed.
    expect(fold(rows, new StagedKeys(100, 2))).toEqual({ movieIds: [1, 2, 3, 4], mayHoldDuplicates: true });
  });

  it('grows with the movie ids it meets', () => {
    expect(
      fold([
        [1, 5],
        [1, 70_000],
        [2, 70_000],
        [2, 5],
      ]),
    ).toEqual({ movieIds: [5, 70_000], mayHoldDuplicates: false });
    expect(
      fold([
        [1, 70_000],
        [1, 70_000],
      ]),
    ).toMatchObject({ mayHoldDuplicates: true });
  });

  it('knows nothing can repeat in an empty source', () => {
    expect(fold([])).toEqual({ movieIds: [], mayHoldDuplicates: false });
  });
});
