import { GENRE_KEYS } from './genres.js';
import { ESTABLISHED_USER, establishedUsers, itemStats } from './algorithms/common.js';
import { buildInteractions, type MovieInput, type RatingInput } from './interactions.js';
import { deserializeBundle, fitBundle, serializeBundle } from './model-bundle.js';

/**
 * Issue 22's flood, on the training code: one client wrote a 5-star rating of an obscure comedy
 * (one real rating before) for 600 made-up users; after the next run the film must not be in the
 * top 10 that every new user sees, nor in a comedy taste's.
 */
const DAY = 86_400;
const START = Date.UTC(2016, 0, 1) / 1000;
const FILMS = 80;
const OBSCURE = 1_000;
const COMEDY = GENRE_KEYS.indexOf('comedy');
const none = new Set<number>();

/** A seeded generator, so the data is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** 300 users rating over two years, films by a Zipf-like popularity; every third film a comedy. */
function history(): { ratings: RatingInput[]; movies: MovieInput[]; end: number } {
  const next = random(22);
  const movies: MovieInput[] = Array.from({ length: FILMS }, (_, i) => ({
    id: i + 1,
    genres: i % 3 === 0 ? ['Comedy'] : i % 3 === 1 ? ['Drama'] : ['Action', 'Comedy'],
  }));
  movies.push({ id: OBSCURE, genres: ['Comedy'] });
  const ratings: RatingInput[] = [];
  for (let user = 1; user <= 300; user++) {
    const joined = START + Math.floor(next() * 600) * DAY;
    const seen = new Set<number>();
    const count = 10 + Math.floor(next() * 30);
    for (let r = 0; r < count; r++) {
      const movieId = 1 + Math.floor(FILMS * next() ** 2);
      if (seen.has(movieId)) continue;
      seen.add(movieId);
      const rating = 0.5 * (4 + Math.floor(next() * 7));
      ratings.push({ userId: user, movieId, rating, timestamp: joined + r * DAY });
    }
  }
  ratings.push({ userId: 7, movieId: OBSCURE, rating: 3.5, timestamp: START + 100 * DAY });
  const end = Math.max(...ratings.map((r) => r.timestamp));
  return { ratings, movies, end };
}

/** The scheduled run after the flood: the bundle trained on everything, as a serving process loads it. */
function trainedOn(ratings: RatingInput[], movies: MovieInput[]) {
  const data = buildInteractions(ratings, movies);
  const bundle = deserializeBundle(serializeBundle(fitBundle(data, { weightSearchUsers: 0 })));
  const movieIds = (items: Int32Array) => Array.from(items, (item) => data.itemIds[item]!);
  const comedy = new Float32Array(GENRE_KEYS.length);
  comedy[COMEDY] = 1;
  return {
    data,
    popular: movieIds(bundle.popular.recommend(-1, 10, none).items),
    comedy: movieIds(bundle.taste.recommendForTaste(comedy, 10, none).items),
    // A user the model never saw who liked one film: ranked from it, filled by popularity.
    newcomer: movieIds(bundle.returning.recommend(-1, 10, none).items),
  };
}

describe('a flood of new accounts', () => {
  const { ratings, movies, end } = history();

  it('600 one-rating users put no film into the popularity or comedy top 10', () => {
    const flood: RatingInput[] = Array.from({ length: 600 }, (_, n) => ({
      userId: 6_000_001 + n,
      movieId: OBSCURE,
      rating: 5,
      timestamp: end + 3_600 + n,
    }));
    const after = trainedOn([...ratings, ...flood], movies);
    // Counted as every rating counts, the film would lead by far: the flood is real.
    const { counts } = itemStats(after.data);
    const obscure = Array.from(after.data.itemIds).indexOf(OBSCURE);
    expect(counts[obscure]).toBe(601);
    expect(Math.max(...counts.filter((_, item) => item !== obscure))).toBeLessThan(601);

    expect(after.popular).toHaveLength(10);
    expect(after.popular).not.toContain(OBSCURE);
    expect(after.comedy).toHaveLength(10);
    expect(after.comedy).not.toContain(OBSCURE);
    expect(after.newcomer).not.toContain(OBSCURE);
    // The lists are what they were before the flood.
    const before = trainedOn(ratings, movies);
    expect(after.popular).toEqual(before.popular);
    expect(after.comedy).toEqual(before.comedy);
  });

  it(`neither do new accounts of ${ESTABLISHED_USER.minRatings} ratings each, made on the same day`, () => {
    const flood: RatingInput[] = [];
    for (let n = 0; n < 600; n++)
      for (let r = 0; r < ESTABLISHED_USER.minRatings; r++)
        flood.push({
          userId: 6_000_001 + n,
          movieId: r === 0 ? OBSCURE : 1 + ((n + r) % FILMS),
          rating: 5,
          timestamp: end + 3_600 + n * 20 + r,
        });
    const after = trainedOn([...ratings, ...flood], movies);
    expect(after.popular).not.toContain(OBSCURE);
    expect(after.comedy).not.toContain(OBSCURE);
  });

  it('counts users with enough ratings begun long enough before the newest one; everyone when none has', () => {
    const data = buildInteractions(
      [
        ...Array.from({ length: 10 }, (_, r) => ({ userId: 1, movieId: r + 1, rating: 4, timestamp: r })),
        ...Array.from({ length: 4 }, (_, r) => ({ userId: 2, movieId: r + 1, rating: 4, timestamp: r })),
        ...Array.from({ length: 10 }, (_, r) => ({
          userId: 3,
          movieId: r + 1,
          rating: 4,
          timestamp: 8 * DAY + r,
        })),
        { userId: 4, movieId: 1, rating: 4, timestamp: 14 * DAY },
      ],
      [],
    );
    expect(Array.from(establishedUsers(data))).toEqual([1, 0, 0, 0]);
    expect(Array.from(establishedUsers(data, { minRatings: 20, minAgeDays: 7 }))).toEqual([1, 1, 1, 1]);
  });
});
