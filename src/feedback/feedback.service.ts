import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RATING_CHANNEL } from '../database/channels.js';
import type { CreatedRatingDto, RatingSource, UserRatingDto, UserRatingPageDto } from './dto/rating.dto.js';

interface StoredRow {
  user_id: number;
  movie_id: number;
  rating: number;
  rated_at: Date;
}

interface UserRatingRow {
  movie_id: number;
  title: string;
  rating: number;
  rated_at: Date;
  source: RatingSource;
  pending: boolean;
}

/**
 * Ratings sent by API clients. They are stored at once with no batch (pending); the next pipeline
 * run adopts them into its data batch (see applyStagedRatings in ingestion).
 */
@Injectable()
export class FeedbackService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores the rating as of now, replacing any earlier rating of that user for that movie (latest
   * wins; a replaced rating is pending again). Throws 404 when the movie is not in the catalog.
   */
  async rate(userId: number, movieId: number, rating: number): Promise<CreatedRatingDto> {
    // Selecting from movies checks the movie in the same statement: no row inserted = unknown movie.
    // The NOTIFY in the same statement tells every serving process, on commit, not to
    // recommend this movie to this user again.
    const [row] = await this.db.query<StoredRow[]>(
      `WITH stored AS (
         INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
         SELECT $1::integer, m.id, $3::real, now(), 'feedback', NULL FROM movies m WHERE m.id = $2
         ON CONFLICT (user_id, movie_id) DO UPDATE
           SET rating = excluded.rating, rated_at = excluded.rated_at, source = excluded.source, batch_id = NULL
         RETURNING user_id, movie_id, rating, rated_at
       )
       SELECT stored.*, pg_notify($4, stored.user_id || ':' || stored.movie_id) FROM stored`,
      [userId, movieId, rating, RATING_CHANNEL],
    );
    if (!row) throw new NotFoundException(`movie ${movieId} not found`);
    return {
      userId: row.user_id,
      movieId: row.movie_id,
      rating: row.rating,
      ratedAt: row.rated_at.toISOString(),
      source: 'feedback',
      pending: true,
    };
  }

  /** The user's ratings, newest first (ties by movie id); a user with none gets an empty page. */
  async list(userId: number, page: number, limit: number): Promise<UserRatingPageDto> {
    const [rows, counted] = await Promise.all([
      // ratings_user_time_idx (user_id, rated_at DESC) serves the filter and the order.
      this.db.query<UserRatingRow[]>(
        `SELECT r.movie_id, m.title, r.rating, r.rated_at, r.source, r.batch_id IS NULL AS pending
         FROM ratings r JOIN movies m ON m.id = r.movie_id
         WHERE r.user_id = $1
         ORDER BY r.rated_at DESC, r.movie_id
         LIMIT $2 OFFSET $3`,
        [userId, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(
        'SELECT count(*)::integer AS total FROM ratings WHERE user_id = $1',
        [userId],
      ),
    ]);
    return { items: rows.map(toUserRating), total: counted[0]?.total ?? 0, page, limit };
  }
}

function toUserRating(row: UserRatingRow): UserRatingDto {
  return {
    movieId: row.movie_id,
    title: row.title,
    rating: row.rating,
    ratedAt: row.rated_at.toISOString(),
    source: row.source,
    pending: row.pending,
  };
}
