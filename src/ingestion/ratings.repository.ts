import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { RATING_CHANNEL } from '../database/channels.js';
import { copyNumericRows } from '../database/copy-to.js';
import { holdClient } from '../database/pool-client.js';
import { type RatingColumns, RatingColumnsBuilder } from '../core/index.js';

type RatingSource = 'dataset' | 'feedback';

export interface UserRating {
  movieId: number;
  rating: number;
  ratedAt: Date;
  source: RatingSource;
  /** Sent by a client and not yet part of a data batch. */
  pending: boolean;
  /** The API client that sent it; null for a dataset rating (or feedback older than attribution). */
  clientId: string | null;
}

/**
 * Which ratings a distribution is read from: every applied rating, the batch being applied
 * (its staging table, in the batch's transaction), or the newest applied batch.
 */
export type RatingScope = 'applied' | 'staged' | 'newest-batch';

const SCOPES: Record<RatingScope, string> = {
  applied: 'ratings WHERE batch_id IS NOT NULL',
  staged: 'staging_ratings',
  // A revert batch adds no rating of its own: the newest batch that did.
  'newest-batch':
    "ratings WHERE batch_id = (SELECT id FROM data_batches WHERE version IS NOT NULL AND kind <> 'revert' ORDER BY version DESC LIMIT 1)",
};

/**
 * Reads and writes of the `ratings` table for the other modules (the batch merge itself is in
 * batch-staging.ts): feedback, what models train on, what serving must not recommend back, and
 * the distributions drift compares.
 */
@Injectable()
export class RatingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a client's rating as of now, with the client that sent it, in place of that user's
   * earlier rating of the movie (latest wins; a replaced rating is pending again). The replaced
   * rating is not lost: the `ratings_history` trigger keeps it in `rating_history`, whence a revert
   * of this client puts it back. The NOTIFY in the same statement tells every serving process, on
   * commit, not to recommend this movie to this user again.
   */
  async storeFeedback(
    userId: number,
    movieId: number,
    rating: number,
    clientId: string,
  ): Promise<{ userId: number; movieId: number; rating: number; ratedAt: Date }> {
    const [row] = await this.db.query<
      { user_id: number; movie_id: number; rating: number; rated_at: Date }[]
    >(
      `WITH stored AS (
         INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id, client_id)
         VALUES ($1::integer, $2::integer, $3::real, now(), 'feedback', NULL, $5::text)
         ON CONFLICT (user_id, movie_id) DO UPDATE
           SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = NULL,
               client_id = excluded.client_id
         RETURNING user_id, movie_id, rating, rated_at
       )
       SELECT stored.*, pg_notify(
         $4,
         concat_ws(':', stored.user_id, stored.movie_id, stored.rating, extract(epoch FROM stored.rated_at))
       ) FROM stored`,
      [userId, movieId, rating, RATING_CHANNEL, clientId],
    );
    if (!row) throw new Error('storing the rating returned no row');
    return { userId: row.user_id, movieId: row.movie_id, rating: row.rating, ratedAt: row.rated_at };
  }

  /** A user's ratings, newest first (ties by movie id), and how many there are in all. */
  async ofUser(userId: number, page: number, limit: number): Promise<{ items: UserRating[]; total: number }> {
    const [rows, [counted]] = await Promise.all([
      // ratings_user_time_idx (user_id, rated_at DESC) serves the filter and the order.
      this.db.query<
        {
          movie_id: number;
          rating: number;
          rated_at: Date;
          source: RatingSource;
          pending: boolean;
          client_id: string | null;
        }[]
      >(
        `SELECT movie_id, rating, rated_at, source, batch_id IS NULL AS pending, client_id FROM ratings
         WHERE user_id = $1 ORDER BY rated_at DESC, movie_id LIMIT $2 OFFSET $3`,
        [userId, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(
        'SELECT count(*)::integer AS total FROM ratings WHERE user_id = $1',
        [userId],
      ),
    ]);
    return {
      items: rows.map((row) => ({
        movieId: row.movie_id,
        rating: row.rating,
        ratedAt: row.rated_at,
        source: row.source,
        pending: row.pending,
        clientId: row.client_id,
      })),
      total: counted?.total ?? 0,
    };
  }

  /**
   * Every rating of an applied batch: what a model is trained on. Read with COPY into typed arrays,
   * so memory is the arrays' (20 bytes a rating), whatever the number of ratings.
   */
  async applied(): Promise<RatingColumns> {
    const held = await holdClient(this.db);
    try {
      const { rows } = await held.client.query<{ count: string }>(
        'SELECT count(*) FROM ratings WHERE batch_id IS NOT NULL',
      );
      const columns = new RatingColumnsBuilder(Number(rows[0]?.count ?? 0));
      await copyNumericRows(
        held.client,
        `SELECT user_id, movie_id, rating, extract(epoch FROM rated_at)::float8 FROM ratings WHERE batch_id IS NOT NULL`,
        4,
        (row) => columns.push(row[0]!, row[1]!, row[2]!, row[3]!),
      );
      return columns.finish();
    } finally {
      await held.release();
    }
  }

  /**
   * The ratings one applied batch holds now (a later rating of the same film by the same user has
   * replaced the batch's): what the replay stage scores the production model on. COPY into typed
   * arrays, as `applied`.
   */
  async ofBatch(batchId: number): Promise<RatingColumns> {
    // COPY takes no bind parameters: the id is checked to be an integer before it is written in.
    if (!Number.isSafeInteger(batchId)) throw new Error(`not a batch id: ${batchId}`);
    const held = await holdClient(this.db);
    try {
      const { rows } = await held.client.query<{ count: string }>(
        'SELECT count(*) FROM ratings WHERE batch_id = $1',
        [batchId],
      );
      const columns = new RatingColumnsBuilder(Number(rows[0]?.count ?? 0));
      await copyNumericRows(
        held.client,
        `SELECT user_id, movie_id, rating, extract(epoch FROM rated_at)::float8 FROM ratings WHERE batch_id = ${batchId}`,
        4,
        (row) => columns.push(row[0]!, row[1]!, row[2]!, row[3]!),
      );
      return columns.finish();
    } finally {
      await held.release();
    }
  }

  /** Ratings a model trained on `dataVersion` did not see: pending feedback and later batches. */
  async since(
    dataVersion: number,
  ): Promise<{ userId: number; movieId: number; rating: number; ratedAt: number }[]> {
    return this.db.query<{ userId: number; movieId: number; rating: number; ratedAt: number }[]>(
      `SELECT r.user_id AS "userId", r.movie_id AS "movieId", r.rating,
              extract(epoch FROM r.rated_at)::float8 AS "ratedAt"
       FROM ratings r LEFT JOIN data_batches b ON b.id = r.batch_id
       WHERE r.batch_id IS NULL OR b.version > $1
       ORDER BY r.rated_at`,
      [dataVersion],
    );
  }

  /** Feedback ratings waiting for the next batch. */
  async pendingFeedback(client?: PoolClient): Promise<number> {
    const sql = 'SELECT count(*) FROM ratings WHERE batch_id IS NULL';
    const rows = client
      ? (await client.query<{ count: string }>(sql)).rows
      : await this.db.query<{ count: string }[]>(sql);
    return Number(rows[0]?.count ?? 0);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ count: string }[]>('SELECT count(*) FROM ratings');
    return Number(row?.count ?? 0);
  }

  /** Rows of `scope` by rating value. */
  async byRating(client: PoolClient, scope: RatingScope): Promise<{ rating: number; count: number }[]> {
    const { rows } = await client.query<{ rating: number; count: string }>(
      `SELECT rating, count(*) FROM ${SCOPES[scope]} GROUP BY rating`,
    );
    return rows.map((row) => ({ rating: row.rating, count: Number(row.count) }));
  }

  /** Rows of `scope` by movie. */
  async byMovie(client: PoolClient, scope: RatingScope): Promise<{ movieId: number; count: number }[]> {
    const { rows } = await client.query<{ movie_id: number; count: string }>(
      `SELECT movie_id, count(*) FROM ${SCOPES[scope]} GROUP BY movie_id`,
    );
    return rows.map((row) => ({ movieId: row.movie_id, count: Number(row.count) }));
  }

  /** Rows of `scope` per user, in no order. */
  async perUser(client: PoolClient, scope: RatingScope): Promise<Float64Array> {
    const { rows } = await client.query<{ count: string }>(
      `SELECT count(*) FROM ${SCOPES[scope]} GROUP BY user_id`,
    );
    return Float64Array.from(rows, (row) => Number(row.count));
  }

  /**
   * The batch being applied (its staging table, and the feedback waiting for it): how many ratings,
   * and how many of them, and how many users, the applied data has never seen.
   */
  async newUsers(client: PoolClient): Promise<{ ratings: number; newUserRatings: number; newUsers: number }> {
    const { rows } = await client.query<{ ratings: string; new_user_ratings: string; new_users: string }>(
      `WITH batch AS (
         SELECT user_id, count(*) AS n FROM (
           SELECT user_id FROM staging_ratings UNION ALL SELECT user_id FROM ratings WHERE batch_id IS NULL
         ) b GROUP BY user_id),
       fresh AS (
         SELECT n FROM batch
         WHERE NOT EXISTS (SELECT 1 FROM ratings r WHERE r.user_id = batch.user_id AND r.batch_id IS NOT NULL))
       SELECT (SELECT coalesce(sum(n), 0) FROM batch) AS ratings,
              (SELECT coalesce(sum(n), 0) FROM fresh) AS new_user_ratings,
              (SELECT count(*) FROM fresh) AS new_users`,
    );
    const row = rows[0];
    return {
      ratings: Number(row?.ratings ?? 0),
      newUserRatings: Number(row?.new_user_ratings ?? 0),
      newUsers: Number(row?.new_users ?? 0),
    };
  }

  /** How many rows `scope` holds. */
  async size(client: PoolClient, scope: RatingScope): Promise<number> {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM ${SCOPES[scope]}`);
    return Number(rows[0]?.count ?? 0);
  }
}
