import { parseRatingPayload, RatedSince } from './rated-since.js';

const LIMITS = { maxRatings: 1000, maxPerUser: 100 };

describe('RatedSince', () => {
  it("keeps each user's ratings in time order, a film rated again once at its newest rating", () => {
    const since = new RatedSince(LIMITS);
    since.add(1, 10, 4, 100);
    since.add(1, 20, 2, 300);
    since.add(1, 30, 5, 200); // heard late, older than the one before
    since.add(1, 10, 1, 400);
    expect(since.of(1)).toEqual({ movies: [30, 20, 10], ratings: [5, 2, 1], times: [200, 300, 400] });
    expect(since.lastRatedAt(1)).toBe(400);
    expect(since.size).toBe(3);
    expect(since.of(2)).toBeUndefined();
  });

  it("drops a user's oldest ratings beyond the per-user limit", () => {
    const since = new RatedSince({ maxRatings: 1000, maxPerUser: 2 });
    [1, 2, 3].forEach((movie) => since.add(7, movie, 4, movie));
    expect(since.of(7)?.movies).toEqual([2, 3]);
    expect(since.dropped).toBe(1);
  });

  it('drops whole the users who rated least recently beyond the limit in all, and counts them', () => {
    const since = new RatedSince({ maxRatings: 3, maxPerUser: 10 });
    since.add(1, 10, 4, 1);
    since.add(2, 10, 4, 2);
    since.add(1, 11, 4, 3); // user 1 rated again: user 2 is now the least recent
    since.add(3, 10, 4, 4);
    expect(since.of(2)).toBeUndefined();
    expect(since.of(1)?.movies).toEqual([10, 11]);
    expect(since.of(3)?.movies).toEqual([10]);
    expect({ size: since.size, users: since.users, dropped: since.dropped }).toEqual({
      size: 3,
      users: 2,
      dropped: 1,
    });
  });
});

describe('parseRatingPayload', () => {
  it('reads the rating and its time, and the older two-field payload', () => {
    expect(parseRatingPayload('5:7:4.5:1796592900.93')).toEqual({
      userId: 5,
      movieId: 7,
      rating: 4.5,
      ratedAt: 1796592900.93,
    });
    expect(parseRatingPayload('5:7')).toEqual({ userId: 5, movieId: 7 });
    for (const bad of [undefined, '', '5', '5:x', '5:7:4.5', '-1:7', '5:7:4:x'])
      expect(parseRatingPayload(bad)).toBeUndefined();
  });
});
