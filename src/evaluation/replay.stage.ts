import { Injectable, Logger } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import { replayInWorker } from './replay-job.js';
import {
  emptyReplayReason,
  formatReplayMeasure,
  type ReplayMeasure,
  replayStageReport,
} from './replay-measure.js';
import { ReplayMeasuresService } from './replay-measures.service.js';

/** The production version as the replay stage needs it: loaded only when there is a batch to score. */
interface ProductionArtifact {
  id: number;
  bytes: Uint8Array;
  dataVersion: number;
}

export interface ReplayInput {
  runId: number;
  batchId: number;
  dataVersion: number;
  /** The production version's artifact; undefined when no version serves. */
  production: () => Promise<ProductionArtifact | undefined>;
  /** Aborted when the process stops: the replay ends at once and the run is cancelled. */
  signal?: AbortSignal;
}

/**
 * replay: before a new batch is trained on, the production version is scored on it by the replay
 * protocol, as the service would have served each user at each rating — an out-of-time figure per
 * data version (docs/evaluation.md, "Replay in the pipeline"). A measurement: when it cannot be
 * made, or fails, the stage is skipped with the reason and the run goes on.
 */
@Injectable()
export class ReplayStage {
  private readonly logger = new Logger(ReplayStage.name);

  constructor(
    private readonly config: AppConfig,
    private readonly ratings: RatingsRepository,
    private readonly measures: ReplayMeasuresService,
  ) {}

  async run(input: ReplayInput): Promise<StageReport> {
    const started = performance.now();
    try {
      const production = await input.production();
      if (!production) return { skipped: 'no model in production yet: nothing to score the batch with' };
      const ratings = await this.ratings.ofBatch(input.batchId);
      const { maxUsers, budgetSeconds } = this.config.evaluation.replay;
      const outcome = await replayInWorker(
        {
          artifact: production.bytes,
          ratings,
          sessionSeconds: this.config.serving.sessionSeconds,
          ...(maxUsers === undefined ? {} : { maxUsers }),
          budgetSeconds,
        },
        input.signal,
      );
      const empty = emptyReplayReason(outcome, ratings.length);
      if (empty !== undefined) return { skipped: empty, detail: { 'model version': production.id } };
      const measure: ReplayMeasure = {
        modelVersionId: production.id,
        modelDataVersion: production.dataVersion,
        dataVersion: input.dataVersion,
        batchId: input.batchId,
        pipelineRunId: input.runId,
        served: outcome.served,
        nightly: outcome.nightly,
        complete: outcome.complete,
        unscored: outcome.unscored,
        candidateUsers: outcome.candidateUsers,
        sampledUsers: outcome.sampledUsers,
        batchRatings: ratings.length,
        seconds: Math.round(performance.now() - started) / 1000,
      };
      await this.measures.record(measure);
      this.logger.log(
        { runId: input.runId, modelVersion: production.id, dataVersion: input.dataVersion },
        `replay of model version ${production.id} on ${formatReplayMeasure(measure)}`,
      );
      return replayStageReport(measure);
    } catch (error) {
      if (input.signal?.aborted) throw error;
      const message = (error as Error).message;
      this.logger.error(
        { runId: input.runId, err: error },
        `replay not measured (the run goes on): ${message}`,
      );
      return { skipped: `not measured: ${message}`, detail: { error: message } };
    }
  }
}
