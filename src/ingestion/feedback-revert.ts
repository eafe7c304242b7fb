import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { MoviesRepository } from '../catalog/movies.repository.js';
import { BatchTransaction } from './batch-transaction.js';
import { BatchesRepository } from './batches.repository.js';

/** What a revert of one client's feedback removes (or, previewed, would remove). */
export interface FeedbackRevertCounts {
  /** The client's ratings that were the newest of their user and movie, removed. */
  ratings: number;
  /** Of those, the ones a pipeline run had adopted into a data batch (models may have trained on them). */
  adopted: number;
  /** The client's ratings a later one had already replaced (kept as history), removed too. */
  replaced: number;
  /** Older ratings put back where the client's had replaced them (a dataset rating, another client's). */
  restored: number;
  users: number;
  movies: number;
}

export interface FeedbackRevertResult extends FeedbackRevertCounts {
  /** The data version the revert became (the next run trains on it); null when nothing matched. */
  dataVersion: number | null;
  batchId: number | null;
}

/** A revert must wait for a batch being applied; the caller asked not to. */
export class IngestBusyError extends Error {
  override readonly name = 'IngestBusyError';
}

const MATCH = 'client_id = $1 AND rated_at >= $2';

/**
 * Removes an API client's ratings from a time on: the ones in `ratings` and the ones a later rating
 * had already replaced (`rating_history`). Where one of them had replaced an older rating (the
 * dataset's, another client's), the newest older rating left in the history takes its place again,
 * in the batch it came from. Applied in a batch transaction, under the ingest lock (no run's batch
 * interleaves), and recorded as a data batch of kind `revert`: a new data version, so the next run
 * trains a model without them and every serving process re-reads the ratings since its model.
 */
@Injectable()
export class FeedbackRevert {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batches: BatchesRepository,
    private readonly catalog: MoviesRepository,
  ) {}

  /** What `revert` would remove now, changing nothing. */
  async preview(clientId: string, since: Date): Promise<FeedbackRevertCounts> {
    const [current] = await this.db.query<
      { ratings: number; adopted: number; users: number; movies: number }[]
    >(
      `SELECT count(*)::integer AS ratings, count(batch_id)::integer AS adopted,
              count(DISTINCT user_id)::integer AS users, count(DISTINCT movie_id)::integer AS movies
       FROM ratings WHERE ${MATCH}`,
      [clientId, since],
    );
    const [history] = await this.db.query<{ replaced: number; restored: number }[]>(
      `SELECT (SELECT count(*)::integer FROM rating_history WHERE ${MATCH}) AS replaced,
              (SELECT count(*)::integer FROM ratings r WHERE r.client_id = $1 AND r.rated_at >= $2
                 AND EXISTS (SELECT 1 FROM rating_history h WHERE h.user_id = r.user_id AND h.movie_id = r.movie_id
                               AND NOT (h.client_id IS NOT DISTINCT FROM $1 AND h.rated_at >= $2))) AS restored`,
      [clientId, since],
    );
    return {
      ratings: current?.ratings ?? 0,
      adopted: current?.adopted ?? 0,
      replaced: history?.replaced ?? 0,
      restored: history?.restored ?? 0,
      users: current?.users ?? 0,
      movies: current?.movies ?? 0,
    };
  }

  /**
   * Removes the client's ratings rated at or after `since`. With `wait: false`, throws
   * IngestBusyError when a batch is being applied rather than waiting for it.
   */
  async revert(clientId: string, since: Date, options: { wait: boolean }): Promise<FeedbackRevertResult> {
    const startedAt = Date.now();
    const transaction = await BatchTransaction.tryBegin(this.db, options);
    if (!transaction) {
      throw new IngestBusyError(
        'a data batch is being applied (a pipeline run): retry when the run has ended',
      );
    }
    try {
      const { client } = transaction;
      const counts = await this.remove(client, clientId, since);
      if (counts.ratings === 0 && counts.replaced === 0) {
        await transaction.rollback();
        return { ...counts, dataVersion: null, batchId: null };
      }
      const end = new Date();
      const batchId = await this.batches.insert(
        client,
        {
          kind: 'revert',
          source: `revert:${clientId}`,
          checksum: `revert:${clientId}:${since.toISOString()}:${end.toISOString()}`,
          period: { label: `${since.toISOString()}/${end.toISOString()}`, start: since, end },
          startedAt,
        },
        null,
      );
      const dataVersion = await this.batches.markApplied(client, batchId, {
        moviesRows: 0,
        ratingsRows: 0,
        feedbackRows: 0,
        quarantinedRows: 0,
        seconds: (Date.now() - startedAt) / 1000,
      });
      await transaction.commit();
      return { ...counts, dataVersion, batchId };
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
  }

  private async remove(client: PoolClient, clientId: string, since: Date): Promise<FeedbackRevertCounts> {
    const replaced = await client.query(`DELETE FROM rating_history WHERE ${MATCH}`, [clientId, since]);
    await client.query(`CREATE TEMP TABLE reverted_ratings (user_id integer, movie_id integer, adopted boolean)
      ON COMMIT DROP`);
    await client.query(
      `WITH gone AS (DELETE FROM ratings WHERE ${MATCH} RETURNING user_id, movie_id, batch_id)
       INSERT INTO reverted_ratings SELECT user_id, movie_id, batch_id IS NOT NULL FROM gone`,
      [clientId, since],
    );
    // The newest older rating of each key left in the history; inserting it fires no history trigger.
    const restored = await client.query(
      `WITH pick AS (
         SELECT DISTINCT ON (h.user_id, h.movie_id) h.id
         FROM rating_history h JOIN reverted_ratings r USING (user_id, movie_id)
         ORDER BY h.user_id, h.movie_id, h.rated_at DESC, h.id DESC),
       back AS (DELETE FROM rating_history h USING pick WHERE h.id = pick.id RETURNING h.*)
       INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id, client_id)
       SELECT user_id, movie_id, rating, rated_at, source, batch_id, client_id FROM back`,
    );
    const { rows } = await client.query<{ ratings: number; adopted: number; users: number; movies: number }>(
      `SELECT count(*)::integer AS ratings, count(*) FILTER (WHERE adopted)::integer AS adopted,
              count(DISTINCT user_id)::integer AS users, count(DISTINCT movie_id)::integer AS movies
       FROM reverted_ratings`,
    );
    // The catalog's counts and means of the movies touched, as a batch leaves them.
    const stats = await client.query<{ movie_id: number; count: number; mean: number | null }>(
      `SELECT m.movie_id, count(r.rating)::integer AS count, avg(r.rating) AS mean
       FROM (SELECT DISTINCT movie_id FROM reverted_ratings) m LEFT JOIN ratings r ON r.movie_id = m.movie_id
       GROUP BY m.movie_id`,
    );
    await this.catalog.setRatingStats(client, {
      movieIds: stats.rows.map((row) => row.movie_id),
      counts: stats.rows.map((row) => row.count),
      means: stats.rows.map((row) => row.mean),
    });
    return {
      ratings: rows[0]?.ratings ?? 0,
      adopted: rows[0]?.adopted ?? 0,
      replaced: replaced.rowCount ?? 0,
      restored: restored.rowCount ?? 0,
      users: rows[0]?.users ?? 0,
      movies: rows[0]?.movies ?? 0,
    };
  }
}
