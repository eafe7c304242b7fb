import { evaluate, splitDataset } from '../evaluation/evaluate.js';
import { EaseRecommender, type EaseParams } from './algorithms/ease.js';
import { buildInteractions, type MovieInput, type RatingInput } from './interactions.js';
import { fitBundle, serializeBundle } from './model-bundle.js';

/** The heavy work of a pipeline run, done in a worker thread: plain data in, plain data out. */
export type TrainingJob =
  | { kind: 'fit'; ratings: RatingInput[]; movies: MovieInput[]; params: Partial<EaseParams> }
  | {
      kind: 'evaluate';
      ratings: RatingInput[];
      movies: MovieInput[];
      candidate: Partial<EaseParams>;
      production?: Partial<EaseParams>;
    };

export interface FitResult {
  kind: 'fit';
  artifact: Uint8Array;
  trainingSeconds: number;
  users: number;
  items: number;
}

export interface EvaluateResult {
  kind: 'evaluate';
  candidate: Record<string, number>;
  /** Production's parameters refitted on the same split, so both are scored on equal terms. */
  production?: Record<string, number>;
}

function metricsOf(params: Partial<EaseParams>, job: Extract<TrainingJob, { kind: 'evaluate' }>) {
  const result = evaluate(new EaseRecommender(params), splitDataset(job));
  return {
    'precision@10': result.precision,
    'recall@10': result.recall,
    'ndcg@10': result.ndcg,
    'ndcg@10_se': result.ndcgStandardError,
    'hit_rate@10': result.hitRate,
    'map@10': result.map,
    coverage: result.coverage,
    users: result.users,
  };
}

export function runTrainingJob(job: TrainingJob): FitResult | EvaluateResult {
  if (job.kind === 'evaluate') {
    return {
      kind: 'evaluate',
      candidate: metricsOf(job.candidate, job),
      ...(job.production ? { production: metricsOf(job.production, job) } : {}),
    };
  }
  const started = performance.now();
  const data = buildInteractions(job.ratings, job.movies);
  const artifact = serializeBundle(fitBundle(data, job.params));
  return {
    kind: 'fit',
    artifact,
    trainingSeconds: (performance.now() - started) / 1000,
    users: data.numUsers,
    items: data.numItems,
  };
}
