import { findAlgorithm } from '../evaluation/algorithms.js';
import { evaluate, type Params, splitDataset } from '../evaluation/evaluate.js';
import { buildInteractions, type MovieInput, type RatingInput } from './interactions.js';
import { BUNDLE_ALGORITHM, type BundleParams, fitBundle, serializeBundle } from './model-bundle.js';
import type { Recommender } from './model.js';

/** A personal model as the registry records it. */
export interface ModelSpec {
  algorithm: string;
  params: Params;
}

/** The heavy work of a pipeline run, done in a worker thread: plain data in, plain data out. */
export type TrainingJob =
  | { kind: 'fit'; ratings: RatingInput[]; movies: MovieInput[]; params: BundleParams }
  | {
      kind: 'evaluate';
      ratings: RatingInput[];
      movies: MovieInput[];
      candidate: BundleParams;
      /** Production's algorithm and parameters, refitted on the same split. */
      production?: ModelSpec;
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

function create({ algorithm, params }: ModelSpec): Recommender {
  const entry = findAlgorithm(algorithm);
  if (!entry) throw new Error(`unknown algorithm "${algorithm}"`);
  return entry.create(params);
}

function metricsOf(spec: ModelSpec, job: Extract<TrainingJob, { kind: 'evaluate' }>) {
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

export function runTrainingJob(job: TrainingJob): FitResult | EvaluateResult {
  if (job.kind === 'evaluate') {
    return {
      kind: 'evaluate',
      candidate: metricsOf({ algorithm: BUNDLE_ALGORITHM, params: job.candidate as Params }, job),
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
