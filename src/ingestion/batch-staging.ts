import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { copyInto, copyLine } from '../database/copy-from.js';
import { streamWorker } from '../common/worker-thread.js';
import { readCsvRecords } from './csv-records.js';
import { fileSize } from './movielens-source.js';
import { isHeader, MOVIES_HEADER, parseMovieRow } from '../validation/movielens-rows.js';
import type { ProgressReporter } from '../common/progress.js';
import type { MoviesRepository } from '../catalog/movies.repository.js';
import { type Quarantined, quarantinedRaw } from '../validation/quarantined-row.js';
import {
  type RatingSource,
  recordSource,
  type StagedChunk,
  type StageRatingsJob,
  type StageRatingsResult,
} from './rating-rows-job.js';
import type { StagedKeysSummary } from './staged-keys.js';
import { tempFilePath } from './temp-files.js';

/**
 * The steps of applying one batch inside the caller's transaction: stage rows with COPY, move
 * the ones that fail a check into the quarantine list, merge the rest into `ratings`. The
 * catalog's part (movies) is the catalog's repository; this file holds the SQL on `ratings`
 * and the batch's staging table.
 */

/**
 * The batch's staging tables, dropped when its transaction ends: the good rows read, and the rows
 * quarantined (on disk in the database rather than in this process: a file of bad rows costs no
 * memory here). `moment` decides which period a quarantined row belongs to. A good row's `raw` is
 * null where its text is the canonical one (STAGED_RAW).
 */
export async function createStagingTables(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE staging_ratings (line integer, raw text, user_id integer, movie_id integer, rating real, ts bigint)
    ON COMMIT DROP`);
  await client.query(`
    CREATE TEMP TABLE staging_quarantine (file text, line integer, raw text, "check" text, reason text, moment bigint)
    ON COMMIT DROP`);
}

/** A staged row's text as read: `raw`, or when that is null the canonical text canonicalRatingText writes. */
const STAGED_RAW = `coalesce(raw, user_id || ',' || movie_id || ',' || to_char(rating, 'FM0.0') || ',' || ts)`;

/** Adds rows to the batch's quarantine. */
export async function stageQuarantined(client: PoolClient, rows: readonly Quarantined[]): Promise<void> {
  if (rows.length === 0) return;
  await copyInto(
    client,
    'staging_quarantine',
    rows.map((row) =>
      copyLine([row.file, row.line, quarantinedRaw(row.raw), row.check, row.reason, row.moment ?? null]),
    ),
  );
}

/** The batch's quarantined rows by the check they failed. */
export async function quarantineCounts(client: PoolClient): Promise<Record<string, number>> {
  const { rows } = await client.query<{ check: string; count: number }>(
    'SELECT "check", count(*)::integer AS count FROM staging_quarantine GROUP BY "check"',
  );
  return Object.fromEntries(rows.map((row) => [row.check, row.count]));
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

export type StageRatingsOptions = Omit<StageRatingsJob, 'source' | 'fileLabel' | 'quarantineFile'> & {
  progress: ProgressReporter;
};

export async function wholeFile(path: string): Promise<RatingSource> {
  return { kind: 'file', path, totalBytes: await fileSize(path) };
}

/** The heap of the thread that reads and checks a file's rows. */
const READER_HEAP_MB = 48;

/**
 * Stages a ratings source: a worker thread reads and checks the rows (rating-rows-job.ts) while
 * this thread only streams what it hands over into the database, good rows into staging_ratings
 * as they come, then the quarantined ones (spilled to a temporary file by the worker) into
 * staging_quarantine. Returns the number of rows considered (good and bad) and what the reader
 * learnt about the staged rows' keys.
 */
export async function stageRatings(
  client: PoolClient,
  source: RatingSource,
  fileLabel: string,
  options: StageRatingsOptions,
): Promise<{ considered: number; keys: StagedKeysSummary }> {
  const { progress, ...checks } = options;
  const { totalBytes } = recordSource(source);
  const job: StageRatingsJob = {
    ...checks,
    source,
    fileLabel,
    quarantineFile: tempFilePath('quarantine', 'copy'),
  };
  let result: StageRatingsResult | undefined;
  progress.start(fileLabel, totalBytes);
  try {
    async function* good() {
      const chunks = streamWorker<StagedChunk, StageRatingsResult>(
        import.meta.url,
        './rating-rows.worker.js',
        job,
        (done) => (result = done),
        // What it holds is a batch of records at a time: a bound, not a guess, for any file.
        { maxOldGenerationSizeMb: READER_HEAP_MB },
      );
      for await (const { copy, bytesRead } of chunks) {
        progress.update(bytesRead);
        if (copy !== '') yield copy;
      }
    }
    await copyInto(client, 'staging_ratings', good());
    if (!result) throw new Error(`reading ${fileLabel} ended without a result`);
    // The file's bytes as they are, straight to the socket: nothing decoded or joined on this thread.
    if (result.quarantined > 0)
      await pipeline(
        createReadStream(job.quarantineFile, { highWaterMark: 1 << 20 }),
        client.query(copyFrom('COPY staging_quarantine FROM STDIN')),
      );
  } finally {
    await rm(job.quarantineFile, { force: true }).catch(() => undefined);
  }
  progress.update(totalBytes);
  progress.stop();
  return { considered: result.considered, keys: result.keys };
}

/** The earliest staged moment (good or quarantined rows), to find the next period with data. */
export async function earliestStagedMoment(client: PoolClient): Promise<number | undefined> {
  const { rows } = await client.query<{ min: string | null }>(
    'SELECT least((SELECT min(ts) FROM staging_ratings), (SELECT min(moment) FROM staging_quarantine)) AS min',
  );
  const min = rows[0]?.min;
  return min === null || min === undefined ? undefined : Number(min);
}

/** The first and last moments (seconds) of the staged good rows; undefined when none is staged. */
export async function stagedMomentRange(
  client: PoolClient,
): Promise<{ first: number; last: number } | undefined> {
  const { rows } = await client.query<{ first: string | null; last: string | null }>(
    'SELECT min(ts) AS first, max(ts) AS last FROM staging_ratings',
  );
  const range = rows[0];
  if (range?.first == null || range.last == null) return undefined;
  return { first: Number(range.first), last: Number(range.last) };
}

/** Drops staged rows, good and quarantined, at or after `endSeconds`; returns how many it dropped. */
export async function cutStagedAt(client: PoolClient, endSeconds: number): Promise<number> {
  const good = await client.query('DELETE FROM staging_ratings WHERE ts >= $1', [endSeconds]);
  const bad = await client.query('DELETE FROM staging_quarantine WHERE moment >= $1', [endSeconds]);
  return (good.rowCount ?? 0) + (bad.rowCount ?? 0);
}

/**
 * Moves ratings of movies not in the catalog, and all but the latest of duplicates, to quarantine.
 * `keys` (from the reader, for everything staged) spares a pass over the staging table for the
 * movie ids, and the sort that finds duplicates when the file proved it holds none.
 */
export async function quarantineStagedRatings(
  client: PoolClient,
  catalog: MoviesRepository,
  fileLabel: string,
  keys: StagedKeysSummary = { mayHoldDuplicates: true },
): Promise<void> {
  const movieIds =
    keys.movieIds ??
    (await client.query<{ movie_id: number }>('SELECT DISTINCT movie_id FROM staging_ratings')).rows.map(
      (row) => row.movie_id,
    );
  const unknownIds = await catalog.unknownIds(client, movieIds);
  if (unknownIds.length > 0)
    await client.query(
      `WITH moved AS (DELETE FROM staging_ratings WHERE movie_id = ANY($1::integer[]) RETURNING *)
       INSERT INTO staging_quarantine (file, line, raw, "check", reason)
       SELECT $2, line, ${STAGED_RAW}, 'unknown_movie', 'movieId ' || movie_id || ' is not in the catalog' FROM moved`,
      [unknownIds, fileLabel],
    );
  if (!keys.mayHoldDuplicates) return;
  await client.query(
    `WITH ranked AS (
       SELECT line, row_number() OVER (PARTITION BY user_id, movie_id ORDER BY ts DESC, line DESC) AS rank
       FROM staging_ratings),
     moved AS (DELETE FROM staging_ratings s USING ranked r WHERE s.line = r.line AND r.rank > 1 RETURNING s.*)
     INSERT INTO staging_quarantine (file, line, raw, "check", reason)
     SELECT $1, line, ${STAGED_RAW}, 'duplicate', 'duplicate rating of the same user and movie; the latest wins' FROM moved`,
    [fileLabel],
  );
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
 * movie, which the `ratings_history` trigger keeps in `rating_history`; an identical one changes
 * nothing) and adopts feedback ratings that waited for a batch,
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
  // The planner has never seen this batch's id: estimating one row for it, it would probe the
  // movie index once per touched movie (tens of thousands after a year of ratings; minutes at 25M)
  // where one pass over the table takes seconds. ANALYZE samples, and sees this transaction's rows.
  if (!firstLoad) await client.query('ANALYZE ratings');
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
       SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = excluded.batch_id,
           client_id = NULL
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
 * (docs/benchmarks-log.md). Definitions are read from the catalog, so a later migration's index is kept too;
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
