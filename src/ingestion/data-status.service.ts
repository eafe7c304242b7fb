import { Injectable } from '@nestjs/common';
import { MoviesRepository } from '../catalog/movies.repository.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import { BatchesRepository } from './batches.repository.js';
import { RatingsRepository } from './ratings.repository.js';

export interface DataStatus {
  /** The version of the newest applied batch; 0 before any data is loaded. */
  dataVersion: number;
  batches: number;
  rejectedBatches: number;
  movies: number;
  ratings: number;
  /** Feedback ratings waiting for the next pipeline run. */
  pendingFeedback: number;
  quarantinedRows: number;
  lastLoadedAt: string | null;
}

@Injectable()
export class DataStatusService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly ratings: RatingsRepository,
    private readonly catalog: MoviesRepository,
    private readonly validation: ValidationRepository,
  ) {}

  dataVersion(): Promise<number> {
    return this.batches.dataVersion();
  }

  async status(): Promise<DataStatus> {
    const [summary, movies, ratings, pendingFeedback, quarantined] = await Promise.all([
      this.batches.summary(),
      this.catalog.count(),
      this.ratings.count(),
      this.ratings.pendingFeedback(),
      this.validation.quarantinedByCheck(),
    ]);
    return {
      dataVersion: summary.dataVersion,
      batches: summary.applied,
      rejectedBatches: summary.rejected,
      movies,
      ratings,
      pendingFeedback,
      quarantinedRows: Object.values(quarantined).reduce((sum, n) => sum + n, 0),
      lastLoadedAt: summary.lastAppliedAt?.toISOString() ?? null,
    };
  }
}
