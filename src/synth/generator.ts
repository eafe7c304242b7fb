/**
 * MovieLens-shaped synthetic data, as plain functions (no Nest, no I/O): a catalog of movies with
 * Zipf-like popularity and genres, then users one after the other, each rating in a few sessions.
 * `movieLines` and `ratingLines` yield the CSV lines (header first, no line break); only the
 * catalog (O(movies)), the users' rating counts (O(users)) and one user's ratings are held, never
 * all ratings. The same options give the same lines.
 */
import { GENRES } from '../core/index.js';
import { csvField, movieTitle } from './names.js';
import { deriveSeed, logNormal, mulberry32, normal, pickCumulative, type Random, randomInt } from './prng.js';

export interface SynthOptions {
  ratings: number;
  users: number;
  movies: number;
  seed: number;
  /** Share of rating rows written malformed (0..1). */
  badShare: number;
}

/** The counts of MovieLens 25M, the defaults. */
export const MOVIELENS_25M = { ratings: 25_000_095, users: 162_541, movies: 62_423 } as const;

/** MovieLens keeps users with at least 20 ratings. */
const MIN_RATINGS_PER_USER = 20;

/** The span of MovieLens 25M's timestamps (seconds). */
export const FIRST_TIMESTAMP = Date.UTC(1995, 0, 9) / 1000;
export const LAST_TIMESTAMP = Date.UTC(2019, 10, 21) / 1000;
/** MovieLens offered half stars from February 2003; before that, whole stars only. */
const HALF_STARS_FROM = Date.UTC(2003, 1, 18) / 1000;

export const MOVIES_CSV_HEADER = 'movieId,title,genres';
export const RATINGS_CSV_HEADER = 'userId,movieId,rating,timestamp';

/** Options that cannot give a data set; the message says which and why. */
export class SynthOptionsError extends Error {}

export function checkSynthOptions(options: SynthOptions): void {
  const { ratings, users, movies, seed, badShare } = options;
  for (const [name, value] of [
    ['--ratings', ratings],
    ['--users', users],
    ['--movies', movies],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new SynthOptionsError(`${name} must be a positive integer; got ${value}`);
    }
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 4_294_967_295) {
    throw new SynthOptionsError(`--seed must be an integer from 0 to 4294967295; got ${seed}`);
  }
  if (!Number.isFinite(badShare) || badShare < 0 || badShare > 1) {
    throw new SynthOptionsError(`--bad-share must be a number from 0 to 1; got ${badShare}`);
  }
  if (users * MIN_RATINGS_PER_USER > ratings) {
    throw new SynthOptionsError(
      `--users must be at most --ratings / ${MIN_RATINGS_PER_USER} (each user rates at least ${MIN_RATINGS_PER_USER} movies): ${users} users need ${users * MIN_RATINGS_PER_USER} ratings, got ${ratings}`,
    );
  }
  if (movies < MIN_RATINGS_PER_USER) {
    throw new SynthOptionsError(
      `--movies must be at least ${MIN_RATINGS_PER_USER} (each user rates at least ${MIN_RATINGS_PER_USER} different movies); got ${movies}`,
    );
  }
  if (ratings > users * movies) {
    throw new SynthOptionsError(
      `--ratings must be at most --users × --movies (a user rates a movie at most once): ${users} × ${movies} = ${users * movies}, got ${ratings}`,
    );
  }
  if (ratings > 2_147_483_647)
    throw new SynthOptionsError(`--ratings must be at most 2147483647; got ${ratings}`);
}

// Independent random streams, so that e.g. the bad rows do not change the good ones.
const STREAM = { catalog: 1, titles: 2, counts: 3, ratings: 4, bad: 5 } as const;

/** Genre names with their weight, roughly MovieLens 25M's number of movies per genre. */
const GENRE_WEIGHTS: readonly [string, number][] = [
  [GENRES.drama, 25606],
  [GENRES.comedy, 16870],
  [GENRES.thriller, 8654],
  [GENRES.romance, 7719],
  [GENRES.action, 7348],
  [GENRES.horror, 5989],
  [GENRES.documentary, 5605],
  [GENRES.crime, 5319],
  [GENRES.adventure, 4145],
  [GENRES.sci_fi, 3595],
  [GENRES.children, 2935],
  [GENRES.animation, 2929],
  [GENRES.mystery, 2925],
  [GENRES.fantasy, 2731],
  [GENRES.war, 1874],
  [GENRES.western, 1399],
  [GENRES.musical, 1054],
  [GENRES.film_noir, 353],
  [GENRES.imax, 195],
];
const NO_GENRE = GENRE_WEIGHTS.length; // '(no genres listed)'
const GENRE_NAMES = [...GENRE_WEIGHTS.map(([name]) => name), GENRES.no_genres_listed];
const GENRE_CUMULATIVE = cumulative(GENRE_WEIGHTS.map(([, weight]) => weight));

function cumulative(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) sums[i] = total += weights[i]!;
  return sums;
}

/** Zipf exponent of movie popularity and the rank offset that flattens the very top a little. */
const ZIPF_EXPONENT = 1.15;
const ZIPF_OFFSET = 3;

export interface Catalog {
  movies: number;
  /** Per movie index (movieId − 1): its popularity rank (0 = most popular). */
  rank: Int32Array;
  /** Movie indices by popularity rank. */
  byRank: Int32Array;
  /** Cumulative Zipf weights over `byRank`. */
  rankCumulative: Float64Array;
  /** Per movie: where its genres start in `memberGenre`/`memberPosition` (length movies + 1). */
  memberStart: Int32Array;
  memberGenre: Uint8Array;
  /** The movie's position in its genre's list. */
  memberPosition: Int32Array;
  /** Per genre: its movies by popularity rank, and their cumulative Zipf weights. */
  genreMovies: Int32Array[];
  genreCumulative: Float64Array[];
  /** Per movie: how much better than average it is rated (popular movies a bit higher). */
  quality: Float32Array;
  year: Int16Array;
}

export function buildCatalog(options: Pick<SynthOptions, 'movies' | 'seed'>): Catalog {
  const count = options.movies;
  const random = mulberry32(deriveSeed(options.seed, STREAM.catalog));
  // Popularity ranks: a random permutation, so ids say nothing about popularity.
  const byRank = new Int32Array(count);
  for (let i = 0; i < count; i++) byRank[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [byRank[i], byRank[j]] = [byRank[j]!, byRank[i]!];
  }
  const rank = new Int32Array(count);
  const weights = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    rank[byRank[r]!] = r;
    weights[r] = 1 / Math.pow(r + ZIPF_OFFSET, ZIPF_EXPONENT);
  }
  const rankCumulative = cumulative(weights);

  // Genres: 1–3 per movie; a few obscure movies have none listed.
  const genresOf: number[][] = [];
  for (let i = 0; i < count; i++) {
    const obscure = rank[i]! > count * 0.5;
    if (obscure && random() < 0.05) {
      genresOf.push([NO_GENRE]);
      continue;
    }
    const draw = random();
    const wanted = draw < 0.45 ? 1 : draw < 0.8 ? 2 : 3;
    const genres: number[] = [];
    for (let attempt = 0; genres.length < wanted && attempt < 10; attempt++) {
      const genre = pickCumulative(GENRE_CUMULATIVE, random);
      if (!genres.includes(genre)) genres.push(genre);
    }
    genresOf.push(genres.sort((a, b) => a - b));
  }
  const genreMovies: number[][] = GENRE_NAMES.map(() => []);
  const memberStart = new Int32Array(count + 1);
  const totalMembers = genresOf.reduce((sum, genres) => sum + genres.length, 0);
  const memberGenre = new Uint8Array(totalMembers);
  const memberPosition = new Int32Array(totalMembers);
  for (let i = 0, k = 0; i < count; i++) {
    memberStart[i] = k;
    for (const genre of genresOf[i]!) memberGenre[k++] = genre;
  }
  memberStart[count] = totalMembers;
  // Each genre's movies in popularity order, and each membership's position there.
  for (let r = 0; r < count; r++) {
    const movie = byRank[r]!;
    for (let k = memberStart[movie]!; k < memberStart[movie + 1]!; k++) {
      const list = genreMovies[memberGenre[k]!]!;
      memberPosition[k] = list.length;
      list.push(movie);
    }
  }
  const genreCumulative = genreMovies.map((list) => cumulative(list.map((movie) => weights[rank[movie]!]!)));

  const quality = new Float32Array(count);
  const year = new Int16Array(count);
  const logCount = Math.log(count + 1);
  for (let i = 0; i < count; i++) {
    const popularity = 1 - Math.log(rank[i]! + 1) / logCount; // 1 for the top movie, ~0 for the last
    quality[i] = 0.4 * normal(random) + 0.45 * popularity - 0.2;
    year[i] = Math.max(1902, 2019 - Math.floor(-18 * Math.log(1 - random())));
  }
  return {
    movies: count,
    rank,
    byRank,
    rankCumulative,
    memberStart,
    memberGenre,
    memberPosition,
    genreMovies: genreMovies.map((list) => Int32Array.from(list)),
    genreCumulative,
    quality,
    year,
  };
}

/** movies.csv: the header, then one line per movie (title quoted when it holds a comma). */
export function* movieLines(catalog: Catalog, seed: number): Generator<string> {
  const random = mulberry32(deriveSeed(seed, STREAM.titles));
  yield MOVIES_CSV_HEADER;
  for (let i = 0; i < catalog.movies; i++) {
    const genres: string[] = [];
    for (let k = catalog.memberStart[i]!; k < catalog.memberStart[i + 1]!; k++) {
      genres.push(GENRE_NAMES[catalog.memberGenre[k]!]!);
    }
    yield `${i + 1},${csvField(movieTitle(random, catalog.year[i]!))},${genres.join('|')}`;
  }
}

/**
 * Each user's number of ratings: at least 20, log-normal above that (heavy-tailed, as in
 * MovieLens), at most the number of movies, summing to exactly `ratings`.
 */
export function userRatingCounts(
  options: Pick<SynthOptions, 'ratings' | 'users' | 'movies' | 'seed'>,
): Int32Array {
  const { ratings, users, movies } = options;
  const random = mulberry32(deriveSeed(options.seed, STREAM.counts));
  const raw = new Float64Array(users);
  let rawTotal = 0;
  for (let u = 0; u < users; u++) rawTotal += raw[u] = logNormal(random, 1, 1.4);
  const extra = ratings - users * MIN_RATINGS_PER_USER;
  const counts = new Int32Array(users);
  let left = ratings;
  for (let u = 0; u < users; u++) {
    counts[u] = Math.min(movies, MIN_RATINGS_PER_USER + Math.floor((extra * raw[u]!) / rawTotal));
    left -= counts[u]!;
  }
  // What rounding (and the cap) left over goes one by one to users in a random order.
  while (left > 0) {
    const start = randomInt(random, users);
    for (let i = 0; i < users && left > 0; i++) {
      const u = (start + i) % users;
      if (counts[u]! < movies) {
        counts[u]!++;
        left--;
      }
    }
  }
  return counts;
}

const RATING_TEXT = ['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '3.0', '3.5', '4.0', '4.5', '5.0'];

/** Per-user taste and habits. */
interface UserState {
  favourites: number[];
  favouriteShare: number;
  bias: number;
  wholeStarsOnly: boolean;
}

/**
 * ratings.csv: the header, then each user's ratings in time order, user after user. With
 * `badShare`, exactly round(badShare × ratings) rows (chosen at random) are written malformed.
 */
export function* ratingLines(catalog: Catalog, options: SynthOptions): Generator<string> {
  const counts = userRatingCounts(options);
  const random = mulberry32(deriveSeed(options.seed, STREAM.ratings));
  const badRandom = mulberry32(deriveSeed(options.seed, STREAM.bad));
  let rowsLeft = options.ratings;
  let badLeft = Math.round(options.badShare * options.ratings);
  let maxCount = 0;
  for (const count of counts) maxCount = Math.max(maxCount, count);
  const picked = new Int32Array(maxCount);
  const favourite = new Uint8Array(maxCount);
  const times = new Float64Array(maxCount);
  const sessionEnds = new Int32Array(maxCount);
  /** Per movie, the last user (index + 1) who rated it: a duplicate check without clearing. */
  const ratedBy = new Int32Array(catalog.movies);

  yield RATINGS_CSV_HEADER;
  for (let u = 0; u < options.users; u++) {
    const count = counts[u]!;
    const user = newUser(random);
    const sessions = planSessions(random, count, sessionEnds);
    pickMovies(random, catalog, user, u + 1, count, sessionEnds, sessions, ratedBy, picked, favourite);
    planTimes(random, count, sessionEnds, sessions, times);
    const userId = u + 1;
    for (let i = 0; i < count; i++) {
      const movie = picked[i]!;
      const timestamp = times[i]!;
      const halfSteps = ratingHalfSteps(random, catalog, user, movie, favourite[i] === 1, timestamp);
      const bad = badLeft > 0 && badRandom() * rowsLeft < badLeft;
      rowsLeft--;
      if (bad) {
        badLeft--;
        yield badRow(badRandom, userId, movie + 1, RATING_TEXT[halfSteps]!, timestamp, catalog.movies);
      } else {
        yield `${userId},${movie + 1},${RATING_TEXT[halfSteps]},${timestamp}`;
      }
    }
  }
}

function newUser(random: Random): UserState {
  const draw = random();
  const wanted = draw < 0.3 ? 1 : draw < 0.75 ? 2 : 3;
  const favourites: number[] = [];
  while (favourites.length < wanted) {
    const genre = pickCumulative(GENRE_CUMULATIVE, random);
    if (!favourites.includes(genre)) favourites.push(genre);
  }
  return {
    favourites,
    favouriteShare: 0.35 + 0.45 * random(),
    bias: 0.45 * normal(random),
    wholeStarsOnly: random() < 0.2,
  };
}

/** Splits `count` ratings into sessions (bursts); `ends[j]` is the index after session j. */
function planSessions(random: Random, count: number, ends: Int32Array): number {
  const size = Math.max(5, logNormal(random, 25, 0.6));
  const sessions = Math.min(count, Math.max(1, Math.round(count / size)));
  // Sizes: one rating each, the rest by log-normal weights.
  let weightTotal = 0;
  const weights = new Float64Array(sessions);
  for (let j = 0; j < sessions; j++) weightTotal += weights[j] = Math.exp(0.7 * normal(random));
  const rest = count - sessions;
  let end = 0;
  for (let j = 0; j < sessions; j++) {
    end += 1 + Math.floor((rest * weights[j]!) / weightTotal);
    ends[j] = end;
  }
  ends[sessions - 1] = count; // rounding remainder to the last session
  return sessions;
}

/** Chance that the next movie in a session is a neighbour of the previous one. */
const NEAR_SHARE = 0.5;
const MAX_TRIES = 32;

function pickMovies(
  random: Random,
  catalog: Catalog,
  user: UserState,
  stamp: number,
  count: number,
  sessionEnds: Int32Array,
  sessions: number,
  ratedBy: Int32Array,
  picked: Int32Array,
  favourite: Uint8Array,
): void {
  let index = 0;
  for (let j = 0; j < sessions; j++) {
    let previous = -1;
    for (; index < sessionEnds[j]!; index++) {
      let movie = -1;
      for (let attempt = 0; attempt < MAX_TRIES && movie < 0; attempt++) {
        const candidate =
          previous >= 0 && random() < NEAR_SHARE
            ? nearMovie(random, catalog, previous)
            : freshMovie(random, catalog, user);
        if (ratedBy[candidate] !== stamp) movie = candidate;
      }
      if (movie < 0) movie = firstUnrated(catalog, ratedBy, stamp, randomInt(random, catalog.movies));
      ratedBy[movie] = stamp;
      picked[index] = movie;
      favourite[index] = sharesGenre(catalog, movie, user.favourites) ? 1 : 0;
      previous = movie;
    }
  }
  if (index !== count) throw new Error(`internal: planned ${index} ratings, wanted ${count}`);
}

function freshMovie(random: Random, catalog: Catalog, user: UserState): number {
  if (random() < user.favouriteShare) {
    const genre = user.favourites[randomInt(random, user.favourites.length)]!;
    const list = catalog.genreMovies[genre]!;
    if (list.length > 0) return list[pickCumulative(catalog.genreCumulative[genre]!, random)]!;
  }
  return catalog.byRank[pickCumulative(catalog.rankCumulative, random)]!;
}

/** A movie of one of the previous movie's genres, close to it in popularity. */
function nearMovie(random: Random, catalog: Catalog, previous: number): number {
  const start = catalog.memberStart[previous]!;
  const k = start + randomInt(random, catalog.memberStart[previous + 1]! - start);
  const list = catalog.genreMovies[catalog.memberGenre[k]!]!;
  const step = 1 + Math.floor(-6 * Math.log(1 - random()));
  const position = catalog.memberPosition[k]! + (random() < 0.5 ? -step : step);
  return list[Math.min(list.length - 1, Math.max(0, position))]!;
}

function firstUnrated(catalog: Catalog, ratedBy: Int32Array, stamp: number, from: number): number {
  for (let i = 0; i < catalog.movies; i++) {
    const movie = (from + i) % catalog.movies;
    if (ratedBy[movie] !== stamp) return movie;
  }
  throw new Error('internal: a user has rated every movie');
}

function sharesGenre(catalog: Catalog, movie: number, genres: number[]): boolean {
  for (let k = catalog.memberStart[movie]!; k < catalog.memberStart[movie + 1]!; k++) {
    if (genres.includes(catalog.memberGenre[k]!)) return true;
  }
  return false;
}

const DAY = 86_400;
const HOUR = 3600;

/**
 * Timestamps: within a session seconds to minutes apart, sessions hours to years apart, the
 * whole history placed at a random start inside 1995–2019. Strictly increasing.
 */
function planTimes(
  random: Random,
  count: number,
  sessionEnds: Int32Array,
  sessions: number,
  times: Float64Array,
): void {
  const span = LAST_TIMESTAMP - FIRST_TIMESTAMP;
  // First pass: the gap before each rating (0 before a session's first), gaps within and between
  // sessions summed apart, so the history can be shrunk to fit the span.
  let within = 0;
  let between = 0;
  for (let j = 0, index = 0; j < sessions; j++) {
    const gap = j === 0 ? 0 : HOUR + logNormal(random, 4 * DAY, 2);
    times[index++] = gap;
    between += gap;
    for (; index < sessionEnds[j]!; index++) within += times[index] = 1 + logNormal(random, 40, 1);
  }
  const withinScale = within > span / 2 ? span / 2 / within : 1;
  const room = span - within * withinScale - count - sessions * HOUR;
  const betweenScale = between > room ? room / between : 1;
  const total = within * withinScale + count + between * betweenScale + sessions * HOUR;
  let time = Math.floor(FIRST_TIMESTAMP + random() * (span - total));
  for (let j = 0, index = 0; j < sessions; j++) {
    if (j > 0) time += HOUR + Math.floor(times[index]! * betweenScale);
    times[index++] = time;
    for (; index < sessionEnds[j]!; index++)
      times[index] = time += 1 + Math.floor(times[index]! * withinScale);
  }
}

function ratingHalfSteps(
  random: Random,
  catalog: Catalog,
  user: UserState,
  movie: number,
  favourite: boolean,
  timestamp: number,
): number {
  const value = 3.5 + user.bias + catalog.quality[movie]! + (favourite ? 0.2 : 0) + 0.85 * normal(random);
  if (user.wholeStarsOnly || timestamp < HALF_STARS_FROM)
    return 2 * Math.min(5, Math.max(1, Math.round(value)));
  return Math.min(10, Math.max(1, Math.round(value * 2)));
}

/** Malformed rows in the ways the validation quarantines them (one kind drawn per row). */
function badRow(
  random: Random,
  userId: number,
  movieId: number,
  rating: string,
  timestamp: number,
  movies: number,
): string {
  const pickOf = (values: readonly string[]) => values[randomInt(random, values.length)]!;
  switch (randomInt(random, 10)) {
    case 0:
      return `${userId},${movieId},${pickOf(['7.5', '0', '0.0', '5.5', '10'])},${timestamp}`;
    case 1:
      return `${userId},${movieId},${pickOf(['x', 'four', 'NaN', '3.5.1', '4e0'])},${timestamp}`;
    case 2:
      return `${userId},${movieId},${pickOf(['3.7', '4.25', '2.2'])},${timestamp}`;
    case 3:
      return `${userId},${movieId},${rating}`; // a missing field
    case 4:
      return randomInt(random, 2) === 0
        ? `${userId},${movieId},,${timestamp}`
        : `${userId},,${rating},${timestamp}`;
    case 5:
      return `${userId},${movieId},${rating},${randomInt(random, FIRST_TIMESTAMP - 366 * DAY)}`; // before 1995
    case 6:
      return `${userId},${movies + 1 + randomInt(random, 1_000_000)},${rating},${timestamp}`; // unknown movie
    case 7:
      return `${userId},${movieId},${rating},${pickOf(['2001-09-09', '9.5e8', `${timestamp}.5`])}`;
    case 8:
      return `${pickOf(['0', '-5', 'user'])},${movieId},${rating},${timestamp}`;
    default:
      return `${userId},${movieId},${rating},${4_102_444_800 + randomInt(random, 1_000_000)}`; // after 2100
  }
}
