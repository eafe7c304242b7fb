import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import type { TrainingData } from '../training/train.stage.js';
import { evaluateInWorker, type EvaluationOutcome, type ModelSpec } from './evaluation-job.js';

/**
 * evaluate: the offline protocol on the data the candidate was trained on, for the candidate's
 * parameters and, refitted on the same split, the production version's — so the gate compares
 * like with like.
 */
@Injectable()
export class EvaluateStage {
  async run(
    data: TrainingData,
    candidate: ModelSpec,
    production: ModelSpec | undefined,
  ): Promise<{ outcome: EvaluationOutcome; stage: StageReport }> {
    const outcome = await evaluateInWorker({
      ratings: data.ratings,
      movies: data.movies,
      candidate,
      ...(production ? { production } : {}),
    });
    return {
      outcome,
      stage: {
        rows: outcome.candidate.users,
        detail: {
          'ndcg@10': outcome.candidate['ndcg@10'],
          ...(outcome.production ? { 'production ndcg@10': outcome.production['ndcg@10'] } : {}),
        },
      },
    };
  }
}
