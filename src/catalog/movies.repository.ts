import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { copyInto, copyLine } from '../database/copy-from.js';

/** A movie as read from a source file, with where it came from. */
export interface IncomingMovie {
  line: number;
  raw: string;
  id: number;
  title: string;
  year: number | null;
  genres: readonly string[];
}

export interface MovieGenres {
  id: number;
  genres: string[];
}

export interface MovieSummary extends MovieGenres {
  title: string;
}

/** A movie as browse and search show it. */
export interface MovieListing {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
  rating_count: number;
  rating_mean: number | null;
}

/** Per-movie rating statistics, computed by the owner of the ratings. */
export interface RatingStats {
  movieIds: Int32Array | number[];
  counts: Int32Array | number[];
  /** null for a movie left with no rating (after a revert). */
  means: Float64Array | (number | null)[];
}

/**
 * The `movies` table: every statement on it is here. Loads from a source file, catalog checks on
 * incoming ratings, rating statistics, the catalog in memory for models, and browse and search.
 */
@Injectable()
export class MoviesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Upserts the incoming movies in the caller's transaction (a later line of the same id wins).
   * Returns how many movies were added or changed, and the lines a later line superseded.
   */
  async upsert(
    client: PoolClient,
    movies: AsyncIterable<IncomingMovie>,
  ): Promise<{ changed: number; superseded: { line: number; raw: string; id: number }[] }> {
    await client.query(`
      CREATE TEMP TABLE staging_movies (line integer, raw text, id integer, title text, year smallint, genres text)
      ON COMMIT DROP`);
    async function* lines() {
      for await (const m of movies)
        yield copyLine([m.line, m.raw, m.id, m.title, m.year, m.genres.join('|')]);
    }
    await copyInto(client, 'staging_movies', lines());
    const superseded = await client.query<{ line: number; raw: string; id: number }>(`
      SELECT line, raw, id FROM (
        SELECT line, raw, id, row_number() OVER (PARTITION BY id ORDER BY line DESC) AS rank FROM staging_movies) s
      WHERE rank > 1`);
    const upserted = await client.query(`
      INSERT INTO movies (id, title, year, genres)
      SELECT DISTINCT ON (id) id, title, year, string_to_array(genres, '|') FROM staging_movies ORDER BY id, line DESC
      ON CONFLICT (id) DO UPDATE SET title = excluded.title, year = excluded.year, genres = excluded.genres
      WHERE (movies.title, movies.year, movies.genres) IS DISTINCT FROM (excluded.title, excluded.year, excluded.genres)`);
    return { changed: upserted.rowCount ?? 0, superseded: superseded.rows };
  }

  /** Which of `ids` the catalog does not hold (seen by the caller's transaction). */
  async unknownIds(client: PoolClient, ids: readonly number[]): Promise<number[]> {
    const { rows } = await client.query<{ id: number }>(
      `SELECT u.id FROM unnest($1::integer[]) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM movies m WHERE m.id = u.id)`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** Sets the rating count and mean of the given movies, in the caller's transaction. */
  async setRatingStats(client: PoolClient, stats: RatingStats): Promise<void> {
    if (stats.movieIds.length === 0) return;
    await client.query(
      `UPDATE movies m SET rating_count = s.count, rating_mean = s.mean
       FROM unnest($1::integer[], $2::integer[], $3::float8[]) AS s(id, count, mean)
       WHERE m.id = s.id`,
      [Array.from(stats.movieIds), Array.from(stats.counts), Array.from(stats.means)],
    );
  }

  /** Every movie's id and genres (what the models need of the catalog). */
  async genres(client?: PoolClient): Promise<MovieGenres[]> {
    const sql = 'SELECT id, genres FROM movies';
    return client ? (await client.query<MovieGenres>(sql)).rows : this.db.query<MovieGenres[]>(sql);
  }

  /** Fresh planner statistics after a load changed many rows. */
  async analyze(client: PoolClient): Promise<void> {
    await client.query('ANALYZE movies');
  }

  /** Every movie's id, title and genres (what serving explains its answers with). */
  async summaries(): Promise<MovieSummary[]> {
    return this.db.query<MovieSummary[]>('SELECT id, title, genres FROM movies');
  }

  /** Every movie with its rating count and mean (what browse and search answer from). */
  async listings(): Promise<MovieListing[]> {
    return this.db.query<MovieListing[]>(
      'SELECT id, title, year, genres, rating_count, rating_mean FROM movies',
    );
  }

  /** The titles of the given movies. */
  async titles(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<{ id: number; title: string }[]>(
      'SELECT id, title FROM movies WHERE id = ANY($1::integer[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.title]));
  }

  async exists(id: number): Promise<boolean> {
    const rows = await this.db.query<unknown[]>('SELECT 1 FROM movies WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ count: string }[]>('SELECT count(*) FROM movies');
    return Number(row?.count ?? 0);
  }
}
