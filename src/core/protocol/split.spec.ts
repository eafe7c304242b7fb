import { holdoutOf, holdoutSize, temporalSplit } from './split.js';

const r = (userId: number, movieId: number, timestamp: number, rating = 4) => ({
  userId,
  movieId,
  rating,
  timestamp,
});
const ids = (ratings: { userId: number; movieId: number }[]) =>
  ratings.map((x) => `${x.userId}:${x.movieId}`);

describe('holdoutSize', () => {
  it('holds out 20% rounded up, at least 1, from 5 ratings on', () => {
    // 4 < 5 → 0; 5 × 0.2 = 1; 6 × 0.2 = 1.2 → 2; 10 × 0.2 = 2; 11 × 0.2 = 2.2 → 3
    expect([1, 4, 5, 6, 9, 10, 11].map((n) => holdoutSize(n))).toEqual([0, 0, 1, 2, 2, 2, 3]);
  });

  it('does not round floating-point noise up', () => {
    // 35 × 0.2 is 7.000000000000001 in floating point: 7, not 8. Likewise 15 → 3, 55 → 11.
    expect(holdoutSize(35)).toBe(7);
    expect(holdoutSize(15)).toBe(3);
    expect(holdoutSize(55)).toBe(11);
  });
});

describe('temporalSplit', () => {
  // User 1: 6 ratings → ceil(1.2) = 2 held out: the two latest. Movies 14 and 12 share the latest
  // timestamp 600; the tie goes by movieId, so both are the latest two anyway, ordered 12, 14.
  // User 2: 5 ratings → 1 held out; 21, 22 and 23 tie at 500, so the largest movieId (23) is last.
  // User 3: 4 ratings (< 5) → all train.
  const ratings = [
    r(1, 11, 100),
    r(1, 14, 600),
    r(1, 13, 300),
    r(1, 12, 600),
    r(1, 15, 200),
    r(1, 16, 400),
    r(2, 23, 500),
    r(2, 22, 500),
    r(2, 24, 100),
    r(2, 21, 500),
    r(2, 25, 50),
    r(3, 31, 900),
    r(3, 32, 800),
    r(3, 33, 700),
    r(3, 34, 600),
  ];

  it('holds out each eligible user’s latest 20% (rounded up), ties by movieId', () => {
    const { train, test } = temporalSplit(ratings);
    expect(ids(test)).toEqual(['1:12', '1:14', '2:23']);
    expect(ids(train)).toEqual([
      '1:11',
      '1:15',
      '1:13',
      '1:16',
      '2:25',
      '2:24',
      '2:21',
      '2:22',
      '3:34',
      '3:33',
      '3:32',
      '3:31',
    ]);
  });

  it('breaks a tie at the cut by movieId', () => {
    // 5 ratings, 1 held out; 3 tie for the latest moment: movie 9 (the largest id) is test.
    const { test } = temporalSplit([r(1, 9, 10), r(1, 2, 10), r(1, 5, 10), r(1, 1, 1), r(1, 3, 2)]);
    expect(ids(test)).toEqual(['1:9']);
  });

  it('keeps users with fewer than 5 ratings wholly in train', () => {
    const { train, test } = temporalSplit(ratings.filter((x) => x.userId === 3));
    expect(test).toEqual([]);
    expect(train).toHaveLength(4);
  });

  it('is deterministic and independent of the input order, and leaves the input alone', () => {
    const copy = ratings.map((x) => ({ ...x }));
    const first = temporalSplit(ratings);
    expect(temporalSplit([...ratings].reverse())).toEqual(first);
    expect(ratings).toEqual(copy);
  });

  it('partitions the ratings: nothing lost, nothing in both halves', () => {
    const { train, test } = temporalSplit(ratings);
    expect(new Set([...ids(train), ...ids(test)]).size).toBe(ratings.length);
    // Every test rating is no earlier than any train rating of the same user.
    for (const held of test) {
      for (const kept of train.filter((x) => x.userId === held.userId)) {
        expect(kept.timestamp).toBeLessThanOrEqual(held.timestamp);
      }
    }
  });

  it('accepts other options', () => {
    // minRatings 2, fraction 0.5: user 3's 4 ratings → 2 held out (the latest: 31 at 900, 32 at 800).
    const { test } = temporalSplit(
      ratings.filter((x) => x.userId === 3),
      { minRatings: 2, testFraction: 0.5 },
    );
    expect(ids(test)).toEqual(['3:32', '3:31']);
  });
});

describe('temporalSplit, next-day', () => {
  const DAY = 86_400;
  const nextDay = holdoutOf('next-day');

  it('tests only held-out ratings a day or more after the last train rating, dropping the rest', () => {
    // 10 ratings → 2 held out (movies 9, 10). Last train rating (movie 8) at 8·DAY.
    const base = Array.from({ length: 8 }, (_, i) => r(1, i + 1, (i + 1) * DAY));
    const exactlyADay = [...base, r(1, 9, 8 * DAY + 60), r(1, 10, 9 * DAY)];
    const { train, test } = temporalSplit(exactlyADay, nextDay);
    expect(ids(train)).toEqual(['1:1', '1:2', '1:3', '1:4', '1:5', '1:6', '1:7', '1:8']);
    // Movie 9 came a minute later (same session): dropped. Movie 10 exactly one day later: tested.
    expect(ids(test)).toEqual(['1:10']);
  });

  it('leaves a user whose held-out ratings all continue the session without a test', () => {
    const session = Array.from({ length: 5 }, (_, i) => r(2, i + 1, 1000 + i * 10));
    const { train, test } = temporalSplit(session, nextDay);
    expect(ids(train)).toEqual(['2:1', '2:2', '2:3', '2:4']);
    expect(test).toEqual([]);
  });

  it('cuts at the same place as the session holdout, ties by movieId', () => {
    // Movies 3 and 4 tie at the last moment; 4 (larger id) is held out, 3 is the last train rating.
    const ratings = [r(3, 1, 0), r(3, 2, DAY), r(3, 4, 2 * DAY), r(3, 3, 2 * DAY), r(3, 5, 5 * DAY)];
    const session = temporalSplit(ratings);
    const next = temporalSplit(ratings, nextDay);
    expect(ids(next.train)).toEqual(ids(session.train));
    expect(ids(session.test)).toEqual(['3:5']);
    expect(ids(next.test)).toEqual(['3:5']);
    const tied = [r(4, 1, 0), r(4, 2, DAY), r(4, 3, 2 * DAY), r(4, 4, 2 * DAY), r(4, 5, 2 * DAY)];
    expect(ids(temporalSplit(tied).test)).toEqual(['4:5']);
    expect(temporalSplit(tied, nextDay).test).toEqual([]);
  });

  it('takes a configurable gap', () => {
    const ratings = [...Array.from({ length: 4 }, (_, i) => r(5, i + 1, i)), r(5, 5, 3 + 3600)];
    expect(ids(temporalSplit(ratings, holdoutOf('next-day', 3600)).test)).toEqual(['5:5']);
    expect(temporalSplit(ratings, holdoutOf('next-day', 3601)).test).toEqual([]);
  });
});
