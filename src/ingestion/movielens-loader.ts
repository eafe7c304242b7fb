import type { PoolClient } from 'pg';
import { copyInto, copyLine } from '../database/copy-from.js';
import { type CsvRecord, readCsvRecords } from './csv-records.js';
import { fileSize, type MovieLensFiles } from './movielens-source.js';
import {
  isHeader,
  MOVIES_HEADER,
  parseMovieRow,
  parseRatingRow,
  RATINGS_HEADER,
  type RowResult,
} from './movielens-rows.js';
import type { ProgressReporter } from './progress.js';

export interface Quarantined {
  file: string;
  line: number;
  raw: string;
  reason: string;
}

export interface LoadCounts {
  moviesRows: number;
  ratingsRows: number;
  quarantinedRows: number;
}

/**
 * Parses every record, writes the good ones as COPY lines and keeps the bad ones with a reason.
 * The header line is skipped; a file without one is read as data.
 */
async function* goodRows<T>(
  records: AsyncIterable<CsvRecord>,
  file: string,
  header: string[],
  parse: (fields: string[]) => RowResult<T>,
  toLine: (row: T, record: CsvRecord) => string,
  quarantine: Quarantined[],
): AsyncGenerator<string> {
  let first = true;
  for await (const record of records) {
    if (first) {
      first = false;
      if (isHeader(record.fields, header)) continue;
    }
    const result = parse(record.fields);
    if (result.ok) yield toLine(result.row, record);
    else quarantine.push({ file, line: record.line, raw: record.raw, reason: result.reason });
  }
}

/**
 * Loads a MovieLens folder as one data batch inside the caller's transaction: movies are
 * upserted, ratings are staged with COPY, checked against the catalog, de-duplicated (the latest
 * rating of a user for a movie wins) and merged into `ratings`. Bad rows go to quarantine.
 */
export async function loadMovieLensBatch(
  client: PoolClient,
  batchId: number,
  files: MovieLensFiles,
  progress: ProgressReporter,
  now: Date = new Date(),
): Promise<LoadCounts> {
  const quarantine: Quarantined[] = [];
  const nowSeconds = Math.floor(now.getTime() / 1000);

  await client.query(`
    CREATE TEMP TABLE staging_movies (line integer, raw text, id integer, title text, year smallint, genres text)
    ON COMMIT DROP`);
  await client.query(`
    CREATE TEMP TABLE staging_ratings (line integer, raw text, user_id integer, movie_id integer, rating real, ts bigint)
    ON COMMIT DROP`);

  await copyInto(
    client,
    'staging_movies',
    goodRows(
      readCsvRecords(files.moviesCsv),
      'movies.csv',
      MOVIES_HEADER,
      parseMovieRow,
      (movie, record) =>
        copyLine([record.line, record.raw, movie.id, movie.title, movie.year, movie.genres.join('|')]),
      quarantine,
    ),
  );
  await client.query(
    `INSERT INTO quarantined_rows (batch_id, file, line, raw, reason)
     SELECT $1, 'movies.csv', line, raw, 'duplicate movieId ' || id || '; a later line wins'
     FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY line DESC) AS rank FROM staging_movies) s
     WHERE rank > 1`,
    [batchId],
  );
  const movies = await client.query(`
    INSERT INTO movies (id, title, year, genres)
    SELECT DISTINCT ON (id) id, title, year, string_to_array(genres, '|') FROM staging_movies ORDER BY id, line DESC
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year, genres = excluded.genres
    WHERE (movies.title, movies.year, movies.genres) IS DISTINCT FROM (excluded.title, excluded.year, excluded.genres)`);

  const totalBytes = await fileSize(files.ratingsCsv);
  let bytesRead = 0;
  progress.start('ratings.csv', totalBytes);
  const staged = await copyInto(
    client,
    'staging_ratings',
    goodRows(
      readCsvRecords(files.ratingsCsv, (bytes) => {
        bytesRead += bytes;
        progress.update(bytesRead);
      }),
      'ratings.csv',
      RATINGS_HEADER,
      (fields) => parseRatingRow(fields, nowSeconds),
      (rating, record) =>
        copyLine([record.line, record.raw, rating.userId, rating.movieId, rating.rating, rating.timestamp]),
      quarantine,
    ),
  );
  progress.update(totalBytes, { rows: staged });
  progress.stop();

  await client.query(
    `WITH unknown AS (
       DELETE FROM staging_ratings s WHERE NOT EXISTS (SELECT 1 FROM movies m WHERE m.id = s.movie_id)
       RETURNING line, raw, movie_id)
     INSERT INTO quarantined_rows (batch_id, file, line, raw, reason)
     SELECT $1, 'ratings.csv', line, raw, 'movieId ' || movie_id || ' is not in the catalog' FROM unknown`,
    [batchId],
  );
  await client.query(
    `WITH ranked AS (
       SELECT line, row_number() OVER (PARTITION BY user_id, movie_id ORDER BY ts DESC, line DESC) AS rank
       FROM staging_ratings),
     superseded AS (
       DELETE FROM staging_ratings s USING ranked r WHERE s.line = r.line AND r.rank > 1
       RETURNING s.line, s.raw)
     INSERT INTO quarantined_rows (batch_id, file, line, raw, reason)
     SELECT $1, 'ratings.csv', line, raw, 'duplicate rating of the same user and movie; the latest wins'
     FROM superseded`,
    [batchId],
  );
  const ratings = await client.query(
    `INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
     SELECT user_id, movie_id, rating, to_timestamp(ts), 'dataset', $1 FROM staging_ratings
     ON CONFLICT (user_id, movie_id) DO UPDATE
       SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = excluded.batch_id
       WHERE excluded.rated_at > ratings.rated_at
          OR (excluded.rated_at = ratings.rated_at AND excluded.rating <> ratings.rating)`,
    [batchId],
  );
  await client.query(`
    UPDATE movies m SET rating_count = s.count, rating_mean = s.mean
    FROM (SELECT movie_id, count(*) AS count, avg(rating) AS mean FROM ratings
          WHERE movie_id IN (SELECT DISTINCT movie_id FROM staging_ratings)
          GROUP BY movie_id) s
    WHERE m.id = s.movie_id`);

  if (quarantine.length > 0) {
    await copyInto(
      client,
      'quarantined_rows (batch_id, file, line, raw, reason)',
      quarantine.map((row) => copyLine([batchId, row.file, row.line, row.raw, row.reason])),
    );
  }
  const quarantined = await client.query<{ count: string }>(
    'SELECT count(*) FROM quarantined_rows WHERE batch_id = $1',
    [batchId],
  );
  return {
    moviesRows: movies.rowCount ?? 0,
    ratingsRows: ratings.rowCount ?? 0,
    quarantinedRows: Number(quarantined.rows[0]?.count ?? 0),
  };
}
