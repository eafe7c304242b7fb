import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import type { TrainingData } from '../training/train.stage.js';
import { evaluateInWorker, type EvaluationOutcome, type ModelSpec } from './evaluation-job.js';
import { figureOf, type MetricKey, metricKey, ndcgOf, PROTOCOLS } from '../core/index.js';

/**
 * evaluate: the offline protocol on the data the candidate was trained on, for the candidate's
 * parameters and, refitted on the same split, the production version's — so the gate compares
 * like with like.
 */
@Injectable()
export class EvaluateStage {
  constructor(private readonly config: AppConfig) {}

  async run(
    data: TrainingData,
    candidate: ModelSpec,
    production: ModelSpec | undefined,
    signal?: AbortSignal,
  ): Promise<{ outcome: EvaluationOutcome; stage: StageReport }> {
    const outcome = await evaluateInWorker(
      {
        ratings: data.ratings,
        movies: data.movies,
        candidate,
        ...(production ? { production } : {}),
        primary: this.config.evaluation.primaryProtocol,
        gapSeconds: this.config.evaluation.gapSeconds,
        maxUsers: this.config.evaluation.maxUsers,
      },
      signal,
    );
    const figures = (side: 'candidate' | 'production') =>
      Object.fromEntries(
        PROTOCOLS.flatMap((protocol) => {
          const metrics = outcome[side];
          return metrics
            ? [[`${side === 'candidate' ? '' : 'production '}${protocol} ndcg@10`, ndcgOf(metrics, protocol)]]
            : [];
        }),
      );
    const figure = (key: MetricKey) => figureOf(outcome.candidate, key);
    return {
      outcome,
      stage: {
        rows: figure('users'),
        detail: {
          protocol: this.config.evaluation.primaryProtocol,
          users: figure('users'),
          'eligible users': figure('eligible_users'),
          'ndcg@10 se': figure(metricKey('primary', 'ndcg_se')),
          ...(figure('sampled_users') === undefined
            ? {}
            : {
                'sampled users': figure('sampled_users'),
                'of users': figure('population_users'),
              }),
          'ndcg@10': ndcgOf(outcome.candidate, 'primary'),
          ...(outcome.production ? { 'production ndcg@10': ndcgOf(outcome.production, 'primary') } : {}),
          ...figures('candidate'),
          ...figures('production'),
        },
      },
    };
  }
}
