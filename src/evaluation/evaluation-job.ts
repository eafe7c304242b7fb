import { runWorker } from '../common/worker-thread.js';
import { findAlgorithm, type Params } from '../training/algorithm-list.js';
import type { MovieInput, RatingInput } from '../training/interactions.js';
import type { Recommender } from '../training/model.js';
import { evaluate, splitDataset } from './evaluate.js';

/** A personal model as the registry records it. */
export interface ModelSpec {
  algorithm: string;
  params: Params;
}

/** Scoring the candidate (and production, refitted on the same split), done in a worker thread. */
export interface EvaluationJob {
  ratings: RatingInput[];
  movies: MovieInput[];
  candidate: ModelSpec;
  /** Production's algorithm and parameters, refitted on the same split. */
  production?: ModelSpec;
}

export interface EvaluationOutcome {
  candidate: Record<string, number>;
  /** Production's parameters refitted on the same split, so both are scored on equal terms. */
  production?: Record<string, number>;
}

function create({ algorithm, params }: ModelSpec): Recommender {
  const entry = findAlgorithm(algorithm);
  if (!entry) throw new Error(`unknown algorithm "${algorithm}"`);
  return entry.create(params);
}

function metricsOf(spec: ModelSpec, job: EvaluationJob): Record<string, number> {
  const result = evaluate(create(spec), splitDataset(job));
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

export function evaluationJob(job: EvaluationJob): EvaluationOutcome {
  return {
    candidate: metricsOf(job.candidate, job),
    ...(job.production ? { production: metricsOf(job.production, job) } : {}),
  };
}

/** Evaluates in a worker thread, so the event loop keeps serving meanwhile. */
export function evaluateInWorker(job: EvaluationJob): Promise<EvaluationOutcome> {
  return runWorker<EvaluationOutcome>(import.meta.url, './evaluation.worker.js', job);
}
