import type { PoolClient } from 'pg';
import { copyInto, copyLine } from '../database/copy-from.js';
import { readCsvRecords } from './csv-records.js';
import { fileSize } from './movielens-source.js';
import {
  isHeader,
  MOVIES_HEADER,
  parseMovieRow,
  parseRatingRow,
  RATINGS_HEADER,
  ratingMoment,
} from './movielens-rows.js';
import type { ProgressReporter } from './progress.js';

/**
 * The steps of applying one batch inside the caller's transaction: stage rows with COPY, move
 * the ones that fail a check into the quarantine list, merge the rest into `ratings`.
 */

export interface Quarantined {
  file: string;
  line: number;
  raw: string;
  check: string;
  reason: string;
  /** Seconds since the epoch when the row had a plausible timestamp; decides its period. */
  moment?: number;
}

export class MissingColumnsError extends Error {
  override name = 'MissingColumnsError';
}

export async function createStagingTables(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE staging_movies (line integer, raw text, id integer, title text, year smallint, genres text)
    ON COMMIT DROP`);
  await client.query(`
    CREATE TEMP TABLE staging_ratings (line integer, raw text, user_id integer, movie_id integer, rating real, ts bigint)
    ON COMMIT DROP`);
}

/** Upserts the catalog from movies.csv; returns the rows of movies added or changed. */
export async function upsertMovies(
  client: PoolClient,
  moviesCsv: string,
  quarantine: Quarantined[],
): Promise<number> {
  let first = true;
  async function* lines() {
    for await (const record of readCsvRecords(moviesCsv)) {
      if (first) {
        first = false;
        if (isHeader(record.fields, MOVIES_HEADER)) continue;
      }
      const result = parseMovieRow(record.fields);
      if (result.ok) {
        const movie = result.row;
        yield copyLine([record.line, record.raw, movie.id, movie.title, movie.year, movie.genres.join('|')]);
      } else {
        quarantine.push({ file: 'movies.csv', line: record.line, raw: record.raw, ...result });
      }
    }
  }
  await copyInto(client, 'staging_movies', lines());
  const duplicates = await client.query<{ line: number; raw: string; id: number }>(`
    SELECT line, raw, id FROM (
      SELECT line, raw, id, row_number() OVER (PARTITION BY id ORDER BY line DESC) AS rank FROM staging_movies) s
    WHERE rank > 1`);
  for (const row of duplicates.rows) {
    quarantine.push({
      file: 'movies.csv',
      line: row.line,
      raw: row.raw,
      check: 'duplicate',
      reason: `duplicate movieId ${row.id}; a later line wins`,
    });
  }
  const upserted = await client.query(`
    INSERT INTO movies (id, title, year, genres)
    SELECT DISTINCT ON (id) id, title, year, string_to_array(genres, '|') FROM staging_movies ORDER BY id, line DESC
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year, genres = excluded.genres
    WHERE (movies.title, movies.year, movies.genres) IS DISTINCT FROM (excluded.title, excluded.year, excluded.genres)`);
  return upserted.rowCount ?? 0;
}

export interface StageRatingsOptions {
  /** Stage only rows at or after this moment (seconds); undefined = from the beginning. */
  fromSeconds?: number;
  /** Keep rows with no plausible timestamp (they belong to the first batch only). */
  includeMomentless: boolean;
  /** Uploaded files must start with the header; the MovieLens files may omit it. */
  requireHeader: boolean;
  progress: ProgressReporter;
  nowSeconds: number;
}

/**
 * Streams ratings.csv into staging_ratings (good rows) and `quarantine` (bad rows), keeping only
 * the rows from `fromSeconds` on. Returns the number of rows considered (good and bad).
 */
export async function stageRatings(
  client: PoolClient,
  ratingsCsv: string,
  fileLabel: string,
  options: StageRatingsOptions,
  quarantine: Quarantined[],
): Promise<number> {
  const { fromSeconds, includeMomentless, requireHeader, progress, nowSeconds } = options;
  const totalBytes = await fileSize(ratingsCsv);
  let bytesRead = 0;
  let considered = 0;
  let first = true;
  progress.start(fileLabel, totalBytes);
  async function* lines() {
    const records = readCsvRecords(ratingsCsv, (bytes) => {
      bytesRead += bytes;
      progress.update(bytesRead);
    });
    for await (const record of records) {
      if (first) {
        first = false;
        if (isHeader(record.fields, RATINGS_HEADER)) continue;
        if (requireHeader) {
          throw new MissingColumnsError(
            `${fileLabel} must start with the header ${RATINGS_HEADER.join(',')}; found "${record.raw.slice(0, 100)}"`,
          );
        }
      }
      const moment = ratingMoment(record.fields, nowSeconds);
      if (moment === undefined ? !includeMomentless : fromSeconds !== undefined && moment < fromSeconds)
        continue;
      considered++;
      const result = parseRatingRow(record.fields, nowSeconds);
      if (result.ok) {
        const r = result.row;
        yield copyLine([record.line, record.raw, r.userId, r.movieId, r.rating, r.timestamp]);
      } else {
        quarantine.push({
          file: fileLabel,
          line: record.line,
          raw: record.raw,
          check: result.check,
          reason: result.reason,
          moment,
        });
      }
    }
  }
  await copyInto(client, 'staging_ratings', lines());
  progress.update(totalBytes);
  progress.stop();
  return considered;
}

/** The earliest staged moment (good or quarantined rows), to find the next period with data. */
export async function earliestStagedMoment(
  client: PoolClient,
  quarantine: Quarantined[],
): Promise<number | undefined> {
  const { rows } = await client.query<{ min: string | null }>('SELECT min(ts) AS min FROM staging_ratings');
  const candidates = quarantine.map((row) => row.moment).filter((m): m is number => m !== undefined);
  if (rows[0]?.min !== null && rows[0]?.min !== undefined) candidates.push(Number(rows[0].min));
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}

/** Drops staged rows at or after `endSeconds`; returns how many rows it dropped. */
export async function cutStagedAt(
  client: PoolClient,
  endSeconds: number,
  quarantine: Quarantined[],
): Promise<number> {
  const { rowCount } = await client.query('DELETE FROM staging_ratings WHERE ts >= $1', [endSeconds]);
  const kept = quarantine.filter((row) => row.moment === undefined || row.moment < endSeconds);
  const dropped = quarantine.length - kept.length;
  quarantine.splice(0, quarantine.length, ...kept);
  return (rowCount ?? 0) + dropped;
}

/** Moves ratings of movies not in the catalog, and all but the latest of duplicates, to quarantine. */
export async function quarantineStagedRatings(
  client: PoolClient,
  fileLabel: string,
  quarantine: Quarantined[],
) {
  const unknown = await client.query<{ line: number; raw: string; movie_id: number }>(`
    DELETE FROM staging_ratings s WHERE NOT EXISTS (SELECT 1 FROM movies m WHERE m.id = s.movie_id)
    RETURNING line, raw, movie_id`);
  for (const row of unknown.rows) {
    quarantine.push({
      file: fileLabel,
      line: row.line,
      raw: row.raw,
      check: 'unknown_movie',
      reason: `movieId ${row.movie_id} is not in the catalog`,
    });
  }
  const superseded = await client.query<{ line: number; raw: string }>(`
    WITH ranked AS (
      SELECT line, row_number() OVER (PARTITION BY user_id, movie_id ORDER BY ts DESC, line DESC) AS rank
      FROM staging_ratings)
    DELETE FROM staging_ratings s USING ranked r WHERE s.line = r.line AND r.rank > 1
    RETURNING s.line, s.raw`);
  for (const row of superseded.rows) {
    quarantine.push({
      file: fileLabel,
      line: row.line,
      raw: row.raw,
      check: 'duplicate',
      reason: 'duplicate rating of the same user and movie; the latest wins',
    });
  }
}

/**
 * Merges the staged ratings into `ratings` (a rating replaces an older one of the same user and
 * movie; an identical one changes nothing) and adopts feedback ratings that waited for a batch.
 * Returns the rows changed by each.
 */
export async function applyStagedRatings(
  client: PoolClient,
  batchId: number,
): Promise<{ ratingsRows: number; feedbackRows: number }> {
  const merged = await client.query(
    `INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
     SELECT user_id, movie_id, rating, to_timestamp(ts), 'dataset', $1 FROM staging_ratings
     ON CONFLICT (user_id, movie_id) DO UPDATE
       SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = excluded.batch_id
       WHERE excluded.rated_at > ratings.rated_at
          OR (excluded.rated_at = ratings.rated_at AND excluded.rating <> ratings.rating)`,
    [batchId],
  );
  const feedback = await client.query('UPDATE ratings SET batch_id = $1 WHERE batch_id IS NULL', [batchId]);
  await client.query(
    `UPDATE movies m SET rating_count = s.count, rating_mean = s.mean
     FROM (SELECT movie_id, count(*) AS count, avg(rating) AS mean FROM ratings
           WHERE movie_id IN (SELECT movie_id FROM ratings WHERE batch_id = $1)
           GROUP BY movie_id) s
     WHERE m.id = s.movie_id`,
    [batchId],
  );
  return { ratingsRows: merged.rowCount ?? 0, feedbackRows: feedback.rowCount ?? 0 };
}

export async function writeQuarantine(
  client: PoolClient,
  batchId: number,
  quarantine: Quarantined[],
): Promise<void> {
  if (quarantine.length === 0) return;
  await copyInto(
    client,
    'quarantined_rows (batch_id, file, line, raw, "check", reason)',
    quarantine.map((row) => copyLine([batchId, row.file, row.line, row.raw, row.check, row.reason])),
  );
}
