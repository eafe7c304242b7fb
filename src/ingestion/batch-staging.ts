import type { PoolClient } from 'pg';
import { copyInto, copyLine } from '../database/copy-from.js';
import { readCsvBatches, readCsvRecords, type RecordSource } from './csv-records.js';
import { fileSize } from './movielens-source.js';
import {
  isHeader,
  MOVIES_HEADER,
  parseMovieRow,
  parseRatingRow,
  RATINGS_HEADER,
  ratingMoment,
} from '../validation/movielens-rows.js';
import type { ProgressReporter } from '../common/progress.js';
import type { MoviesRepository } from '../catalog/movies.repository.js';
import type { Quarantined } from '../validation/quarantined-row.js';

/**
 * The steps of applying one batch inside the caller's transaction: stage rows with COPY, move
 * the ones that fail a check into the quarantine list, merge the rest into `ratings`. The
 * catalog's part (movies) is the catalog's repository; this file holds the SQL on `ratings`
 * and the batch's staging table.
 */

class MissingColumnsError extends Error {
  override name = 'MissingColumnsError';
}

export async function createStagingTable(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE staging_ratings (line integer, raw text, user_id integer, movie_id integer, rating real, ts bigint)
    ON COMMIT DROP`);
}

/** Upserts the catalog from movies.csv; returns the rows of movies added or changed. */
export async function upsertMovies(
  client: PoolClient,
  catalog: MoviesRepository,
  moviesCsv: string,
  quarantine: Quarantined[],
): Promise<number> {
  let first = true;
  async function* movies() {
    for await (const record of readCsvRecords(moviesCsv)) {
      if (first) {
        first = false;
        if (isHeader(record.fields, MOVIES_HEADER)) continue;
      }
      const result = parseMovieRow(record.fields);
      if (result.ok) yield { line: record.line, raw: record.raw, ...result.row };
      else quarantine.push({ file: 'movies.csv', line: record.line, raw: record.raw, ...result });
    }
  }
  const { changed, superseded } = await catalog.upsert(client, movies());
  for (const row of superseded) {
    quarantine.push({
      file: 'movies.csv',
      line: row.line,
      raw: row.raw,
      check: 'duplicate',
      reason: `duplicate movieId ${row.id}; a later line wins`,
    });
  }
  return changed;
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

export async function wholeFile(path: string): Promise<RecordSource> {
  return { totalBytes: await fileSize(path), batches: (onBytes) => readCsvBatches(path, onBytes) };
}

/**
 * Streams ratings records into staging_ratings (good rows) and `quarantine` (bad rows), keeping
 * only the rows from `fromSeconds` on. Returns the number of rows considered (good and bad).
 */
export async function stageRatings(
  client: PoolClient,
  source: RecordSource,
  fileLabel: string,
  options: StageRatingsOptions,
  quarantine: Quarantined[],
): Promise<number> {
  const { fromSeconds, includeMomentless, requireHeader, progress, nowSeconds } = options;
  const { totalBytes } = source;
  let bytesRead = 0;
  let considered = 0;
  let first = true;
  progress.start(fileLabel, totalBytes);
  // One COPY text chunk per batch of records: a string per row would cost an await per row.
  async function* chunks() {
    const batches = source.batches((bytes) => {
      bytesRead += bytes;
      progress.update(bytesRead);
    });
    for await (const records of batches) {
      let chunk = '';
      for (const record of records) {
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
          chunk += copyLine([record.line, record.raw, r.userId, r.movieId, r.rating, r.timestamp]);
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
      if (chunk !== '') yield chunk;
    }
  }
  await copyInto(client, 'staging_ratings', chunks());
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
  catalog: MoviesRepository,
  fileLabel: string,
  quarantine: Quarantined[],
) {
  const staged = await client.query<{ movie_id: number }>('SELECT DISTINCT movie_id FROM staging_ratings');
  const unknownIds = await catalog.unknownIds(
    client,
    staged.rows.map((row) => row.movie_id),
  );
  const unknown = await client.query<{ line: number; raw: string; movie_id: number }>(
    `DELETE FROM staging_ratings WHERE movie_id = ANY($1::integer[]) RETURNING line, raw, movie_id`,
    [unknownIds],
  );
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

/** How much pending feedback one batch adopts (AppConfig.feedback). */
export interface FeedbackCaps {
  maxRowsPerRun: number;
  maxNewUsersPerRun: number;
}

/** The feedback a batch adopted, and what it left pending for the next one. */
export interface FeedbackAdoption {
  feedbackRows: number;
  /** Users the data did not know before, among the adopted ratings. */
  feedbackNewUsers: number;
  /** Pending ratings left for the next run by the caps. */
  feedbackDeferredRows: number;
  /** Users still unknown to the data among the deferred ratings. */
  feedbackDeferredNewUsers: number;
}

/**
 * Merges the staged ratings into `ratings` (a rating replaces an older one of the same user and
 * movie; an identical one changes nothing) and adopts feedback ratings that waited for a batch,
 * within the caps. Returns the rows changed by each.
 */
export async function applyStagedRatings(
  client: PoolClient,
  catalog: MoviesRepository,
  batchId: number,
  caps: FeedbackCaps,
): Promise<{ ratingsRows: number } & FeedbackAdoption> {
  const firstLoad = await lockIfEmpty(client);
  const ratingsRows = firstLoad
    ? await insertIntoEmptyRatings(client, batchId)
    : await mergeIntoRatings(client, batchId);
  const feedback = await adoptFeedback(client, batchId, caps);
  // The statistics of the movies the batch touched; after a first load, that is every rated movie.
  const stats = await client.query<{ movie_id: number; count: number; mean: number }>(
    `SELECT movie_id, count(*)::integer AS count, avg(rating) AS mean FROM ratings
     ${firstLoad ? '' : 'WHERE movie_id IN (SELECT movie_id FROM ratings WHERE batch_id = $1)'}
     GROUP BY movie_id`,
    firstLoad ? [] : [batchId],
  );
  await catalog.setRatingStats(client, {
    movieIds: stats.rows.map((row) => row.movie_id),
    counts: stats.rows.map((row) => row.count),
    means: stats.rows.map((row) => row.mean),
  });
  return { ratingsRows, ...feedback };
}

/** A pending rating's user has no rating in an applied batch (nor in this one): new to the data. */
const PENDING_WITH_NEW_USER = `
  SELECT p.user_id, p.movie_id, p.rated_at,
         NOT EXISTS (SELECT 1 FROM ratings k WHERE k.user_id = p.user_id AND k.batch_id IS NOT NULL) AS new_user
  FROM ratings p WHERE p.batch_id IS NULL`;

/**
 * Adopts pending feedback into the batch, oldest first: at most `maxRowsPerRun` ratings, and only
 * the first `maxNewUsersPerRun` users the data does not know (each one grows the model, and fake
 * users are the cheapest thing to send). The rest stays pending, still shown as pending and still
 * kept out of recommendations, and the next run adopts it: capped, never dropped.
 */
async function adoptFeedback(
  client: PoolClient,
  batchId: number,
  caps: FeedbackCaps,
): Promise<FeedbackAdoption> {
  const { rows: adopted } = await client.query<{ rows: number; new_users: number }>(
    `WITH pending AS (${PENDING_WITH_NEW_USER}),
     admitted AS (
       SELECT user_id FROM pending WHERE new_user
       GROUP BY user_id ORDER BY min(rated_at), user_id LIMIT $3),
     chosen AS (
       SELECT user_id, movie_id, new_user FROM pending
       WHERE NOT new_user OR user_id IN (SELECT user_id FROM admitted)
       ORDER BY rated_at, user_id, movie_id LIMIT $2),
     adopted AS (
       UPDATE ratings r SET batch_id = $1 FROM chosen c
       WHERE r.user_id = c.user_id AND r.movie_id = c.movie_id AND r.batch_id IS NULL
       RETURNING r.user_id, c.new_user)
     SELECT count(*)::integer AS rows, count(DISTINCT user_id) FILTER (WHERE new_user)::integer AS new_users
     FROM adopted`,
    [batchId, caps.maxRowsPerRun, caps.maxNewUsersPerRun],
  );
  // Counted after the adoption: a new user whose first ratings were adopted is known by now.
  const { rows: deferred } = await client.query<{ rows: number; new_users: number }>(
    `WITH pending AS (${PENDING_WITH_NEW_USER})
     SELECT count(*)::integer AS rows, count(DISTINCT user_id) FILTER (WHERE new_user)::integer AS new_users
     FROM pending`,
  );
  return {
    feedbackRows: adopted[0]?.rows ?? 0,
    feedbackNewUsers: adopted[0]?.new_users ?? 0,
    feedbackDeferredRows: deferred[0]?.rows ?? 0,
    feedbackDeferredNewUsers: deferred[0]?.new_users ?? 0,
  };
}

async function mergeIntoRatings(client: PoolClient, batchId: number): Promise<number> {
  const merged = await client.query(
    `INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
     SELECT user_id, movie_id, rating, to_timestamp(ts), 'dataset', $1 FROM staging_ratings
     ON CONFLICT (user_id, movie_id) DO UPDATE
       SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = excluded.batch_id
       WHERE excluded.rated_at > ratings.rated_at
          OR (excluded.rated_at = ratings.rated_at AND excluded.rating <> ratings.rating)`,
    [batchId],
  );
  return merged.rowCount ?? 0;
}

/**
 * True, with `ratings` locked against every other reader and writer until the batch ends, when the
 * table holds no row: a first load, which takes the bulk path.
 */
async function lockIfEmpty(client: PoolClient): Promise<boolean> {
  const empty = 'SELECT NOT EXISTS (SELECT 1 FROM ratings) AS empty';
  if (!(await client.query<{ empty: boolean }>(empty)).rows[0]?.empty) return false;
  await client.query('LOCK TABLE ratings IN ACCESS EXCLUSIVE MODE');
  // A feedback rating may have landed between the check and the lock.
  return (await client.query<{ empty: boolean }>(empty)).rows[0]?.empty === true;
}

/**
 * A first load into the empty table: its keys, foreign keys and indexes are dropped, the rows go in
 * with a plain INSERT (staging holds one row per user and movie, every movie in the catalog) and
 * everything is rebuilt from its own definition, so one sort per index and one join per foreign key
 * replace a probe of each per row. The merge spends most of a 25M-row first load on those probes
 * (BENCHMARKS.md). Definitions are read from the catalog, so a later migration's index is kept too;
 * a failure anywhere rolls all of it back with the batch.
 */
async function insertIntoEmptyRatings(client: PoolClient, batchId: number): Promise<number> {
  const { rows: constraints } = await client.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'ratings'::regclass AND contype IN ('p', 'u', 'f')
     ORDER BY contype = 'f', conname`,
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'ratings'::regclass
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
     ORDER BY c.relname`,
  );
  const name = (identifier: string) => client.escapeIdentifier(identifier);
  for (const constraint of [...constraints].reverse())
    await client.query(`ALTER TABLE ratings DROP CONSTRAINT ${name(constraint.name)}`);
  for (const index of indexes) await client.query(`DROP INDEX ${name(index.name)}`);
  const inserted = await client.query(
    `INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
     SELECT user_id, movie_id, rating, to_timestamp(ts), 'dataset', $1 FROM staging_ratings`,
    [batchId],
  );
  await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
  for (const constraint of constraints)
    await client.query(`ALTER TABLE ratings ADD CONSTRAINT ${name(constraint.name)} ${constraint.def}`);
  for (const index of indexes) await client.query(index.def);
  return inserted.rowCount ?? 0;
}
