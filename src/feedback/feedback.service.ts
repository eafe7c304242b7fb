import { Injectable, NotFoundException } from '@nestjs/common';
import { MoviesRepository } from '../catalog/movies.repository.js';
import { ImpressionsService } from '../impressions/impressions.service.js';
import { FeedbackRevert, type FeedbackRevertResult } from '../ingestion/feedback-revert.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import type { CreatedRatingDto, UserRatingPageDto } from './dto/rating.dto.js';

/**
 * Ratings sent by API clients. They are stored at once with no batch (pending); the next pipeline
 * run adopts them into its data batch (see applyStagedRatings in ingestion).
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly ratings: RatingsRepository,
    private readonly catalog: MoviesRepository,
    private readonly impressions: ImpressionsService,
    private readonly reverts: FeedbackRevert,
  ) {}

  /**
   * Removes the ratings `clientId` sent at or after `since` (a compromised client), putting back
   * what they had replaced; a new data version, so the next run trains without them. With
   * `wait: false`, IngestBusyError while a run applies a batch.
   */
  revert(clientId: string, since: Date, options: { wait: boolean }): Promise<FeedbackRevertResult> {
    return this.reverts.revert(clientId, since, options);
  }

  /**
   * Stores the rating as of now with the client that sent it, in place of any earlier rating of
   * that user for that movie (latest wins, the earlier is kept as history; a replaced rating is
   * pending again). Throws 404 when the movie is not in the catalog.
   * A rating >= 4 may be a hit of the list the user was shown (ImpressionsService.rated).
   */
  async rate(userId: number, movieId: number, rating: number, clientId: string): Promise<CreatedRatingDto> {
    // Movies are never deleted, so a movie found here is still there when the rating is stored.
    if (!(await this.catalog.exists(movieId))) throw new NotFoundException(`movie ${movieId} not found`);
    const stored = await this.ratings.storeFeedback(userId, movieId, rating, clientId);
    // Only queued: the answer never waits for the hit check.
    this.impressions.rated(userId, movieId, rating);
    return {
      userId: stored.userId,
      movieId: stored.movieId,
      rating: stored.rating,
      ratedAt: stored.ratedAt.toISOString(),
      source: 'feedback',
      pending: true,
      clientId,
    };
  }

  /** The user's ratings, newest first (ties by movie id); a user with none gets an empty page. */
  async list(userId: number, page: number, limit: number): Promise<UserRatingPageDto> {
    const { items, total } = await this.ratings.ofUser(userId, page, limit);
    const titles = await this.catalog.titles(items.map((item) => item.movieId));
    return {
      items: items.map((item) => ({
        movieId: item.movieId,
        title: titles.get(item.movieId) ?? '',
        rating: item.rating,
        ratedAt: item.ratedAt.toISOString(),
        source: item.source,
        pending: item.pending,
        clientId: item.clientId,
      })),
      total,
      page,
      limit,
    };
  }
}
