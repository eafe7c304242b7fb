import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Which route served a list: only a user's list names a user, so only it can be hit. */
export type Endpoint = 'user' | 'taste' | 'similar';

/** One served list as written. */
export interface ImpressionRow {
  listId: string;
  userId: number | null;
  endpoint: Endpoint;
  modelVersion: number;
  path: string;
  movieIds: number[];
  /** Milliseconds since the epoch, this process's clock. */
  servedAt: number;
}

/** A rating >= 4 to match against the newest list its user was shown before it. */
export interface HitCheck {
  userId: number;
  movieId: number;
  /** Milliseconds since the epoch, this process's clock. */
  ratedAt: number;
}

interface QualityRow {
  endpoint: Endpoint;
  path: string;
  lists: number;
  hits: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The `impressions` table; only this module's code holds SQL on it. */
@Injectable()
export class ImpressionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One multi-row INSERT: each column as one array parameter, unnested together. */
  async insert(rows: readonly ImpressionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO impressions (list_id, user_id, endpoint, model_version, path, movie_ids, served_at)
       SELECT list_id, user_id, endpoint, model_version, path, movie_ids::integer[], served_at
       FROM unnest($1::uuid[], $2::integer[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::timestamptz[])
         AS r (list_id, user_id, endpoint, model_version, path, movie_ids, served_at)`,
      [
        rows.map((row) => row.listId),
        rows.map((row) => row.userId),
        rows.map((row) => row.endpoint),
        rows.map((row) => row.modelVersion),
        rows.map((row) => row.path),
        // int[] per row: an array of arrays of unequal lengths is no PostgreSQL array, its text is.
        rows.map((row) => `{${row.movieIds.join(',')}}`),
        rows.map((row) => iso(row.servedAt)),
      ],
    );
  }

  /**
   * Marks the hits of `checks` and returns the version and path of each list newly hit. A check
   * hits only the newest list its user was served at most `windowHours` before the rating (what
   * they were looking at when they rated), when that list shows the rated movie and was not hit
   * yet; a list hit by two checks keeps the earlier. `hit_at IS NULL` is checked again on the
   * locked row, so of processes marking the same list at once only one gets it back.
   */
  async markHits(
    checks: readonly HitCheck[],
    windowHours: number,
  ): Promise<{ modelVersion: number; path: string }[]> {
    if (checks.length === 0) return [];
    // TypeORM answers an UPDATE with [rows, count].
    const [hit] = (await this.db.query(
      `UPDATE impressions AS i SET hit_movie_id = n.movie_id, hit_at = n.rated_at
       FROM (
         SELECT DISTINCT ON (newest.list_id) newest.list_id, c.movie_id, c.rated_at
         FROM unnest($1::integer[], $2::integer[], $3::timestamptz[]) AS c (user_id, movie_id, rated_at)
         CROSS JOIN LATERAL (
           SELECT list_id, movie_ids FROM impressions
           WHERE user_id = c.user_id AND served_at <= c.rated_at
             AND served_at > c.rated_at - make_interval(hours => $4)
           ORDER BY served_at DESC, list_id
           LIMIT 1
         ) AS newest
         WHERE c.movie_id = ANY (newest.movie_ids)
         ORDER BY newest.list_id, c.rated_at
       ) AS n
       WHERE i.list_id = n.list_id AND i.hit_at IS NULL
       RETURNING i.model_version AS "modelVersion", i.path`,
      [
        checks.map((check) => check.userId),
        checks.map((check) => check.movieId),
        checks.map((check) => iso(check.ratedAt)),
        windowHours,
      ],
    )) as [{ modelVersion: number; path: string }[], number];
    return hit;
  }

  /**
   * Deletes the lists served before `before`, then the oldest beyond the newest `maxRows` (ties
   * at the bound go too, so at most `maxRows` stay). Returns how many each deleted.
   */
  async prune(before: number, maxRows: number): Promise<{ expired: number; overBound: number }> {
    const [, expired] = (await this.db.query(`DELETE FROM impressions WHERE served_at < $1`, [
      iso(before),
    ])) as [unknown, number];
    const [, overBound] = (await this.db.query(
      `DELETE FROM impressions
       WHERE served_at <= (SELECT served_at FROM impressions ORDER BY served_at DESC OFFSET $1 LIMIT 1)`,
      [maxRows],
    )) as [unknown, number];
    return { expired, overBound };
  }

  /** Lists served by `modelVersion` and those hit, by endpoint and path. */
  async quality(modelVersion: number): Promise<QualityRow[]> {
    return this.db.query(
      `SELECT endpoint, path, count(*)::integer AS lists, count(hit_at)::integer AS hits
       FROM impressions WHERE model_version = $1
       GROUP BY endpoint, path ORDER BY endpoint DESC, path`,
      [modelVersion],
    );
  }
}
