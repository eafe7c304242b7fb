import { parse } from 'csv-parse/sync';
import { GENRES } from '../core/genres.js';
import { parseMovieRow, parseRatingRow } from '../validation/movielens-rows.js';
import {
  buildCatalog,
  checkSynthOptions,
  FIRST_TIMESTAMP,
  LAST_TIMESTAMP,
  movieLines,
  MOVIES_CSV_HEADER,
  ratingLines,
  RATINGS_CSV_HEADER,
  type SynthOptions,
  userRatingCounts,
} from './generator.js';

const NOW = Date.UTC(2026, 0, 1) / 1000;
const SMALL: SynthOptions = { ratings: 20_000, users: 150, movies: 1_000, seed: 7, badShare: 0 };

function generate(options: SynthOptions): { movies: string[]; ratings: string[] } {
  const catalog = buildCatalog(options);
  return { movies: [...movieLines(catalog, options.seed)], ratings: [...ratingLines(catalog, options)] };
}

const fieldsOf = (line: string) => line.split(',');

describe('synthetic MovieLens data', () => {
  const { movies, ratings } = generate(SMALL);
  const rows = ratings.slice(1).map(fieldsOf);

  it('is deterministic: the same options give the same lines, another seed other lines', () => {
    const again = generate(SMALL);
    expect(again.movies.join('\n')).toBe(movies.join('\n'));
    expect(again.ratings.join('\n')).toBe(ratings.join('\n'));
    const other = generate({ ...SMALL, seed: 8 });
    expect(other.ratings.join('\n')).not.toBe(ratings.join('\n'));
    expect(other.movies.join('\n')).not.toBe(movies.join('\n'));
  });

  it('has the MovieLens headers and exactly the asked counts', () => {
    expect(movies[0]).toBe(MOVIES_CSV_HEADER);
    expect(ratings[0]).toBe(RATINGS_CSV_HEADER);
    expect(movies).toHaveLength(SMALL.movies + 1);
    expect(rows).toHaveLength(SMALL.ratings);
    const perUser = new Map<string, number>();
    for (const [user] of rows) perUser.set(user!, (perUser.get(user!) ?? 0) + 1);
    expect(perUser.size).toBe(SMALL.users);
    expect(Math.min(...perUser.values())).toBeGreaterThanOrEqual(20);
  });

  it('writes movies the validation accepts: quoted titles with a comma, known genre names', () => {
    const records = parse(movies.join('\n'), { from_line: 2 }) as string[][];
    expect(records).toHaveLength(SMALL.movies);
    const known = new Set<string>(Object.values(GENRES));
    records.forEach((fields, index) => {
      const result = parseMovieRow(fields);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.row.id).toBe(index + 1);
      expect(result.row.year).toBeGreaterThanOrEqual(1900);
      expect(result.row.genres.length).toBeGreaterThan(0);
      for (const genre of result.row.genres) expect(known.has(genre)).toBe(true);
    });
    expect(movies.some((line) => /^\d+,".*,.*",/.test(line))).toBe(true);
  });

  it('rates in half steps from 0.5 to 5.0 with a MovieLens-like mean, each movie once per user', () => {
    const seen = new Set<string>();
    let sum = 0;
    for (const fields of rows) {
      const result = parseRatingRow(fields, NOW);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const { userId, movieId, rating } = result.row;
      expect(movieId).toBeLessThanOrEqual(SMALL.movies);
      expect(rating * 2).toBe(Math.round(rating * 2));
      const key = `${userId}:${movieId}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      sum += rating;
    }
    expect(sum / rows.length).toBeGreaterThan(3.3);
    expect(sum / rows.length).toBeLessThan(3.7);
  });

  it('keeps timestamps within 1995–2019 and increasing within each user, in sessions', () => {
    const previous = new Map<number, number>();
    let burstGaps = 0;
    for (const [user, , , text] of rows) {
      const userId = Number(user);
      const timestamp = Number(text);
      expect(timestamp).toBeGreaterThanOrEqual(FIRST_TIMESTAMP);
      expect(timestamp).toBeLessThanOrEqual(LAST_TIMESTAMP);
      const before = previous.get(userId);
      if (before !== undefined) {
        expect(timestamp).toBeGreaterThan(before);
        if (timestamp - before < 30 * 60) burstGaps++;
      }
      previous.set(userId, timestamp);
    }
    // Most consecutive ratings of a user are minutes apart (a session); some are not.
    expect(burstGaps / (rows.length - SMALL.users)).toBeGreaterThan(0.8);
    expect(burstGaps / (rows.length - SMALL.users)).toBeLessThan(1);
  });

  it('skews popularity: the top 1% of movies hold a large share of the ratings', () => {
    // Many users and movies, so that "each user rates a movie once" does not cap the top.
    const options = { ratings: 60_000, users: 1_500, movies: 2_000, seed: 7, badShare: 0 };
    const perMovie = new Map<string, number>();
    for (const line of ratingLines(buildCatalog(options), options)) {
      const movie = line.split(',')[1]!;
      perMovie.set(movie, (perMovie.get(movie) ?? 0) + 1);
    }
    const byCount = [...perMovie.values()].sort((a, b) => b - a);
    const shareOf = (top: number) => byCount.slice(0, top).reduce((a, b) => a + b, 0) / options.ratings;
    expect(shareOf(options.movies / 100)).toBeGreaterThan(0.1); // ten times an even spread
    expect(shareOf(options.movies / 10)).toBeGreaterThan(0.4);
  });

  it('writes exactly the asked share of malformed rows, each one the validation rejects', () => {
    const options = { ...SMALL, badShare: 0.1 };
    const { ratings: withBad } = generate(options);
    expect(withBad).toHaveLength(SMALL.ratings + 1);
    const checks = new Set<string>();
    let rejected = 0;
    let unknownMovie = 0;
    for (const line of withBad.slice(1)) {
      const result = parseRatingRow(fieldsOf(line), NOW);
      if (!result.ok) {
        rejected++;
        checks.add(result.check);
      } else if (result.row.movieId > SMALL.movies) {
        unknownMovie++; // the validate stage's catalog check quarantines it
      }
    }
    expect(rejected + unknownMovie).toBe(Math.round(0.1 * SMALL.ratings));
    expect(unknownMovie).toBeGreaterThan(0);
    expect([...checks].sort()).toEqual(
      expect.arrayContaining([
        'empty_field',
        'field_count',
        'rating',
        'timestamp',
        'timestamp_before_1995',
        'user_id',
      ]),
    );
    // The good rows are the same ones as without bad rows.
    const good = new Set(ratings);
    const kept = withBad.filter((line) => good.has(line)).length - 1;
    expect(kept).toBe(SMALL.ratings - Math.round(0.1 * SMALL.ratings));
  });
});

describe('userRatingCounts', () => {
  it('gives at least 20 each, a heavy tail, and sums to exactly the ratings asked', () => {
    const counts = [...userRatingCounts({ ratings: 1_000_003, users: 6_000, movies: 20_000, seed: 3 })];
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000_003);
    const sorted = counts.sort((a, b) => a - b);
    expect(sorted[0]).toBeGreaterThanOrEqual(20);
    const median = sorted[sorted.length >> 1]!;
    expect(sorted.at(-1)!).toBeGreaterThan(20 * median);
    expect(median).toBeLessThan(1_000_003 / 6_000); // mean above median: skewed
  });

  it('never gives a user more ratings than there are movies', () => {
    const counts = userRatingCounts({ ratings: 2_000, users: 20, movies: 100, seed: 1 });
    expect(Math.max(...counts)).toBeLessThanOrEqual(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2_000);
  });
});

describe('checkSynthOptions', () => {
  it.each([
    [{ users: 1_001 }, /at most --ratings \/ 20/],
    [{ ratings: 0 }, /--ratings must be a positive integer/],
    [{ users: -3 }, /--users must be a positive integer/],
    [{ movies: 10 }, /--movies must be at least 20/],
    [{ ratings: 20_000, users: 10, movies: 100 }, /at most --users × --movies/],
    [{ seed: -1 }, /--seed must be an integer/],
    [{ badShare: 1.5 }, /--bad-share must be a number from 0 to 1/],
  ])('refuses %j', (change, message) => {
    expect(() => checkSynthOptions({ ...SMALL, ...change })).toThrow(message);
  });

  it('accepts the MovieLens 25M counts', () => {
    expect(() =>
      checkSynthOptions({ ratings: 25_000_095, users: 162_541, movies: 62_423, seed: 1, badShare: 0 }),
    ).not.toThrow();
  });
});
