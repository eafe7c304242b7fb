/**
 * Reads a MovieLens folder (movies.csv, ratings.csv) into memory for offline evaluation, with the
 * ingestion's CSV reader and row checks, and without a database. Bad rows are skipped and counted,
 * as ingestion would quarantine them: malformed rows, ratings of movies not in movies.csv, and all
 * but the latest rating of a user and movie (a later line wins a tie; a later movie line wins too).
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { readCsvRecords } from '../ingestion/csv-records.js';
import {
  isHeader,
  MOVIES_HEADER,
  type MovieRow,
  parseMovieRow,
  parseRatingRow,
  RATINGS_HEADER,
  type RatingRow,
  type RowResult,
} from '../validation/movielens-rows.js';

export interface MovieLensFolder {
  /** The folder's name, e.g. "ml-latest-small". */
  name: string;
  path: string;
  movies: MovieRow[];
  ratings: RatingRow[];
  skipped: { movies: number; ratings: number };
}

/** The folder is missing or lacks one of the files. */
export class MovieLensFolderError extends Error {}

export async function loadMovieLensFolder(
  dir: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<MovieLensFolder> {
  const path = resolve(dir);
  const folder = await stat(path).catch(() => undefined);
  if (!folder?.isDirectory()) throw new MovieLensFolderError(`the folder ${path} does not exist`);
  for (const file of ['movies.csv', 'ratings.csv']) {
    const found = await stat(join(path, file)).catch(() => undefined);
    if (!found?.isFile()) throw new MovieLensFolderError(`${path} has no ${file}`);
  }

  const movieRows = await readRows(join(path, 'movies.csv'), MOVIES_HEADER, parseMovieRow);
  const moviesById = new Map(movieRows.rows.map((movie) => [movie.id, movie]));
  const ratingRows = await readRows(join(path, 'ratings.csv'), RATINGS_HEADER, (fields) =>
    parseRatingRow(fields, nowSeconds),
  );
  // The latest rating per user and movie; one map per user, as a Map holds at most 2^24 entries.
  const latest = new Map<number, Map<number, RatingRow>>();
  let unknownMovies = 0;
  for (const rating of ratingRows.rows) {
    if (!moviesById.has(rating.movieId)) {
      unknownMovies++;
      continue;
    }
    let byMovie = latest.get(rating.userId);
    if (!byMovie) latest.set(rating.userId, (byMovie = new Map()));
    const before = byMovie.get(rating.movieId);
    if (!before || rating.timestamp >= before.timestamp) byMovie.set(rating.movieId, rating);
  }
  const ratings = [...latest.values()].flatMap((byMovie) => [...byMovie.values()]);
  return {
    name: basename(path),
    path,
    movies: [...moviesById.values()],
    ratings,
    skipped: {
      movies: movieRows.bad + (movieRows.rows.length - moviesById.size),
      ratings: ratingRows.bad + unknownMovies + (ratingRows.rows.length - unknownMovies - ratings.length),
    },
  };
}

/** The good rows of a CSV file and the number of bad ones; the header line, when there, is skipped. */
async function readRows<T>(
  file: string,
  header: string[],
  parse: (fields: string[]) => RowResult<T>,
): Promise<{ rows: T[]; bad: number }> {
  const rows: T[] = [];
  let bad = 0;
  let first = true;
  for await (const record of readCsvRecords(file)) {
    if (first) {
      first = false;
      if (isHeader(record.fields, header)) continue;
    }
    const result = parse(record.fields);
    if (result.ok) rows.push(result.row);
    else bad++;
  }
  return { rows, bad };
}
