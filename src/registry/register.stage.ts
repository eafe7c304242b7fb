import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import type { EvaluationOutcome } from '../evaluation/evaluation-job.js';
import { ModelSettings } from '../training/model-settings.js';
import type { TrainingData } from '../training/train.stage.js';
import type { FitResult } from '../training/training-job.js';
import { RegistryService } from './registry.service.js';

/** register: records the candidate with its lineage, metrics and artifact. */
@Injectable()
export class RegisterStage {
  constructor(
    private readonly settings: ModelSettings,
    private readonly registry: RegistryService,
  ) {}

  async run(
    runId: number,
    data: TrainingData,
    fitted: FitResult,
    evaluation: EvaluationOutcome,
  ): Promise<{ candidateId: number; stage: StageReport }> {
    const id = await this.registry.register(
      {
        algorithm: this.settings.algorithm,
        params: this.settings.fullParams,
        metrics: evaluation.candidate,
        dataVersion: data.dataVersion,
        pipelineRunId: runId,
        trainingSeconds: fitted.trainingSeconds,
        artifact: fitted.artifact,
      },
      `trained by pipeline run ${runId} on data version ${data.dataVersion}`,
    );
    return { candidateId: id, stage: { detail: { modelVersion: id } } };
  }
}
