import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import type { EvaluationOutcome } from '../evaluation/evaluation-job.js';
import { promotionDecision } from './promotion-gate.js';
import { RegistryService } from './registry.service.js';

/**
 * promote: the gate; a candidate worse than production beyond the tolerance is rejected. A
 * promoted candidate is recorded as production but announced to the serving processes only by
 * the deploy stage.
 */
@Injectable()
export class PromoteStage {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: RegistryService,
  ) {}

  /** `replacedId`: the version that served before, for deploy to roll back to. */
  async run(
    candidateId: number,
    evaluation: EvaluationOutcome,
  ): Promise<{ promoted: boolean; replacedId?: number; stage: StageReport }> {
    const decision = promotionDecision(
      evaluation.candidate['ndcg@10'] ?? Number.NaN,
      evaluation.production?.['ndcg@10'],
      this.config.models.promotionTolerance,
    );
    let replacedId: number | undefined;
    if (decision.promote) {
      replacedId = (await this.registry.production())?.id;
      await this.registry.promote(candidateId, decision.reason, { announce: false });
    } else {
      await this.registry.reject(candidateId, decision.reason);
    }
    return {
      promoted: decision.promote,
      replacedId,
      stage: {
        detail: { modelVersion: candidateId, promoted: decision.promote, reason: decision.reason },
        ...(decision.promote ? {} : { finish: `candidate ${candidateId} rejected: ${decision.reason}` }),
      },
    };
  }
}
