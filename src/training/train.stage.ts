import { Injectable, Logger, Optional } from '@nestjs/common';
import { MoviesRepository } from '../catalog/movies.repository.js';
import type { StageReport } from '../common/stage-report.js';
import { BatchesRepository } from '../ingestion/batches.repository.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import {
  type BlendWeightSearch,
  linalgBackend,
  type LinalgBackend,
  type MovieInput,
  type RatingColumns,
} from '../core/index.js';
import { ModelSettings } from './model-settings.js';
import type { ProgressReporter } from '../common/progress.js';
import { BUNDLE_MODEL_COUNT, fitInWorkers, type FitResult } from './training-job.js';
import { TrainingMetrics } from './training-metrics.js';
import { removeOrphanedTempFolders } from './temp-folders.js';

/** What a model was trained on; evaluation scores on the same data. */
export interface TrainingData {
  ratings: RatingColumns;
  movies: MovieInput[];
  dataVersion: number;
}

/** train: fits the model bundle on every applied rating, in worker threads. */
@Injectable()
export class TrainStage {
  private readonly logger = new Logger(TrainStage.name);

  constructor(
    private readonly settings: ModelSettings,
    private readonly ratings: RatingsRepository,
    private readonly catalog: MoviesRepository,
    private readonly batches: BatchesRepository,
    @Optional() private readonly metrics?: TrainingMetrics,
  ) {}

  async run(
    progress: ProgressReporter,
    signal?: AbortSignal,
  ): Promise<{ data: TrainingData; fitted: FitResult; stage: StageReport }> {
    const ratings = await this.ratings.applied();
    const movies = await this.catalog.genres();
    const dataVersion = await this.batches.dataVersion();
    this.reportLinalgBackend(linalgBackend());
    const orphaned = await removeOrphanedTempFolders();
    if (orphaned.length > 0)
      this.logger.warn(
        { folders: orphaned },
        `removed ${orphaned.length} training folders left by stopped processes`,
      );
    // Most of a large fit's time: one progress step per model of the bundle.
    progress.start('models', BUNDLE_MODEL_COUNT, 'steps');
    let done = 0;
    const fitted = await fitInWorkers(
      { ratings, movies, params: this.settings.params },
      (model) => progress.update(++done, { [model]: 1 }),
      signal,
    ).finally(() => progress.stop());
    const search = fitted.weightSearch && weightSearchDetail(fitted.weightSearch);
    if (search)
      this.logger.log(search, `session model weight ${search['session weight']} chosen by the data`);
    return {
      data: { ratings, movies, dataVersion },
      fitted,
      stage: {
        rows: ratings.length,
        detail: {
          users: fitted.users,
          items: fitted.items,
          seconds: fitted.trainingSeconds,
          bytes: fitted.artifact.byteLength,
          ...search,
        },
      },
    };
  }

  /**
   * The EASE fits' dense linear algebra as this thread loads it (the fit's workers run the same
   * runtime): logged at each run, a warning with the reason when it is the slower JS fallback, and
   * set as a gauge.
   */
  private reportLinalgBackend(backend: LinalgBackend): void {
    const reason = backend.reason ? ` (${backend.reason})` : '';
    const line = `dense linear algebra for the EASE fits: ${backend.name}${reason}`;
    if (backend.name === 'js') this.logger.warn(line);
    else this.logger.log(line);
    for (const name of ['wasm-simd', 'js'] as const) {
      this.metrics?.linalgBackend.set({ backend: name }, name === backend.name ? 1 : 0);
    }
  }
}

/** The session model's weight search as the run's detail reports it (and the log says it). */
function weightSearchDetail(search: BlendWeightSearch): Record<string, unknown> {
  return {
    'session weight': search.weight,
    'session weight search': {
      users: search.users,
      'test users': search.testUsers,
      // The inner split's NDCG@10 at each weight tried (none when it had nobody to score).
      'ndcg@10 by weight': Object.fromEntries(
        search.trials.map((trial) => [String(trial.weight), trial.ndcg]),
      ),
    },
  };
}
