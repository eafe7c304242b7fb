import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { MoviesRepository } from '../catalog/movies.repository.js';
import { GENRES } from '../core/index.js';
import { AppConfig } from '../config/app-config.js';
import { RatingsRepository, type RatingScope } from '../ingestion/ratings.repository.js';
import { kolmogorovSmirnov, populationStabilityIndex } from './drift.js';

export interface DriftReport {
  /** What the batch was compared with. */
  reference: string;
  measures: {
    rating_psi: number | null;
    genre_psi: number | null;
    activity_ks: number | null;
    /** The share of the batch's ratings (feedback waiting for it included) from users first seen in it. */
    new_user_share: number | null;
  };
  /** The counts behind new_user_share, when it was measured. */
  newUsers?: { users: number; ratings: number; batchRatings: number };
  thresholds: { psi: number; ks: number; newUserShare: number };
  /** The measures over their threshold. */
  drifted: string[];
  /** Why nothing was measured, when the batch is too small for the measures to mean anything. */
  skipped?: string;
}

const RATING_BINS = 10;
const GENRE_NAMES = Object.values(GENRES) as string[];

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * The fewest ratings a batch needs for its new-user share to be measured: a few new users' ratings
 * make a small batch's share 1 by chance. Far below DRIFT_MIN_SAMPLE, so that a flood of a few
 * hundred new accounts (issue 22: 620) is measured even in a batch too small for PSI and KS.
 */
const NEW_USER_MIN_RATINGS = 100;

/**
 * Compares a staged batch (read in the batch's transaction) with the ratings already applied:
 * the rating distribution and the genre shares of rated movies by PSI, the ratings per user by
 * KS against the previous batch. Until a model is trained, the applied data stands for "the
 * data the production model was trained on".
 */
@Injectable()
export class DriftService {
  constructor(
    private readonly config: AppConfig,
    private readonly ratings: RatingsRepository,
    private readonly catalog: MoviesRepository,
  ) {}

  async measure(client: PoolClient): Promise<DriftReport> {
    const { psi: psiThreshold, ks: ksThreshold, newUserShare: shareThreshold, minSample } = this.config.drift;
    const referenceSize = await this.ratings.size(client, 'applied');
    const measures: DriftReport['measures'] = {
      rating_psi: null,
      genre_psi: null,
      activity_ks: null,
      new_user_share: null,
    };
    let newUsers: DriftReport['newUsers'];
    if (referenceSize > 0) {
      const counts = await this.ratings.newUsers(client);
      if (counts.ratings >= NEW_USER_MIN_RATINGS) {
        measures.new_user_share = round(counts.newUserRatings / counts.ratings);
        newUsers = { users: counts.newUsers, ratings: counts.newUserRatings, batchRatings: counts.ratings };
      }
    }
    // A handful of ratings makes PSI and KS large by chance alone (5 ratings: PSI near 3), and
    // would flag, and page for, every measure: below the minimum nothing is measured.
    const sampleSize = referenceSize > 0 ? await this.ratings.size(client, 'staged') : 0;
    const skipped =
      referenceSize > 0 && sampleSize < minSample
        ? `${sampleSize} staged ratings, fewer than DRIFT_MIN_SAMPLE (${minSample}): not measured`
        : undefined;
    if (referenceSize > 0 && skipped === undefined) {
      measures.rating_psi = round(
        populationStabilityIndex(
          await this.ratingHistogram(client, 'applied'),
          await this.ratingHistogram(client, 'staged'),
        ),
      );
      const genresOf = new Map((await this.catalog.genres(client)).map((movie) => [movie.id, movie.genres]));
      measures.genre_psi = round(
        populationStabilityIndex(
          await this.genreHistogram(client, 'applied', genresOf),
          await this.genreHistogram(client, 'staged', genresOf),
        ),
      );
      const previous = await this.ratings.perUser(client, 'newest-batch');
      const current = await this.ratings.perUser(client, 'staged');
      if (previous.length > 0 && current.length > 0)
        measures.activity_ks = round(kolmogorovSmirnov(previous, current));
    }
    const drifted = Object.entries(measures)
      .filter(
        ([name, value]) =>
          value !== null &&
          value >
            (name === 'new_user_share' ? shareThreshold : name.endsWith('_ks') ? ksThreshold : psiThreshold),
      )
      .map(([name]) => name);
    return {
      reference: referenceSize > 0 ? `${referenceSize} applied ratings` : 'none (first batch)',
      measures,
      ...(newUsers && { newUsers }),
      thresholds: { psi: psiThreshold, ks: ksThreshold, newUserShare: shareThreshold },
      drifted,
      ...(skipped && { skipped }),
    };
  }

  private async ratingHistogram(client: PoolClient, scope: RatingScope): Promise<Float64Array> {
    const histogram = new Float64Array(RATING_BINS);
    for (const { rating, count } of await this.ratings.byRating(client, scope)) {
      const bin = Math.round(rating * 2) - 1;
      if (bin >= 0 && bin < histogram.length) histogram[bin] = count;
    }
    return histogram;
  }

  /** Ratings of `scope` by the genres of the rated movie (a movie counts once per genre). */
  private async genreHistogram(
    client: PoolClient,
    scope: RatingScope,
    genresOf: ReadonlyMap<number, readonly string[]>,
  ): Promise<Float64Array> {
    const histogram = new Float64Array(GENRE_NAMES.length);
    for (const { movieId, count } of await this.ratings.byMovie(client, scope)) {
      for (const genre of genresOf.get(movieId) ?? []) {
        const index = GENRE_NAMES.indexOf(genre);
        if (index >= 0) histogram[index] = (histogram[index] ?? 0) + count;
      }
    }
    return histogram;
  }
}
