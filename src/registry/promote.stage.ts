import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import type { EvaluationOutcome } from '../evaluation/evaluation-job.js';
import { figureOf, metricKey, ndcgOf, type Protocol, PROTOCOLS } from '../core/index.js';
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
    const protocol = gateProtocol(this.config.evaluation.primaryProtocol, evaluation);
    const decision = promotionDecision(
      ndcgOf(evaluation.candidate, protocol) ?? Number.NaN,
      evaluation.production && ndcgOf(evaluation.production, protocol),
      this.config.models.promotionTolerance,
      `${protocol} NDCG@10`,
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

/**
 * The gate decides on the primary protocol, whatever the other one says; only when the primary
 * one evaluated no user (data too short for a next-day test) does it fall back to the other.
 */
function gateProtocol(primary: Protocol, evaluation: EvaluationOutcome): Protocol {
  const users = (protocol: Protocol) => figureOf(evaluation.candidate, metricKey(protocol, 'users')) ?? 0;
  if (users(primary) > 0) return primary;
  return PROTOCOLS.find((protocol) => users(protocol) > 0) ?? primary;
}
