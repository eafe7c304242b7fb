import { runWorker } from '../common/worker-thread.js';
import {
  evaluate,
  type EvaluationSplit,
  findAlgorithm,
  holdoutOf,
  type MovieInput,
  type Params,
  pathSpec,
  type Protocol,
  PROTOCOLS,
  type RatingColumns,
  ratingsOfSampledUsers,
  type Recommender,
  splitDataset,
} from '../core/index.js';

/** A known-user model as the registry records it. */
export interface ModelSpec {
  algorithm: string;
  params: Params;
}

/** Scoring the candidate (and production, refitted on the same split), done in a worker thread. */
export interface EvaluationJob {
  ratings: RatingColumns;
  movies: MovieInput[];
  candidate: ModelSpec;
  /** Production's algorithm and parameters, refitted on the same split. */
  production?: ModelSpec;
  /** The protocol the gate decides on: its figures are also the unprefixed ones. */
  primary: Protocol;
  /** The next-day protocol's gap. */
  gapSeconds: number;
  /**
   * On data with more users than this, a seeded sample of this many users is split, refitted and
   * scored (ratingsOfSampledUsers); undefined = all.
   */
  maxUsers?: number;
}

/**
 * Metrics by name: each protocol's as `<protocol>:<metric>` (e.g. `next-day:ndcg@10`), and the
 * primary protocol's also unprefixed (`ndcg@10`), which is what the gate and the registry's
 * one-figure views read.
 */
type ProtocolMetrics = Record<string, number>;

export interface EvaluationOutcome {
  candidate: ProtocolMetrics;
  /** Production's parameters refitted on the same split, so both are scored on equal terms. */
  production?: ProtocolMetrics;
}

/** A metric of one protocol, e.g. `ndcgOf(metrics, 'session')`; undefined when not measured. */
export function ndcgOf(metrics: Readonly<Record<string, number>>, protocol: Protocol): number | undefined {
  return metrics[`${protocol}:ndcg@10`];
}

function create({ algorithm, params }: ModelSpec): Recommender {
  const entry = findAlgorithm(algorithm);
  if (!entry) throw new Error(`unknown algorithm "${algorithm}"`);
  return entry.create(params);
}

type Splits = Record<Protocol, EvaluationSplit>;

function metricsOf(spec: ModelSpec, job: EvaluationJob, splits: Splits): ProtocolMetrics {
  const metrics: ProtocolMetrics = {};
  for (const protocol of PROTOCOLS) {
    const figures = protocolMetrics(spec, job, protocol, splits[protocol]);
    for (const [name, value] of Object.entries(figures)) {
      metrics[`${protocol}:${name}`] = value;
      if (protocol === job.primary) metrics[name] = value;
    }
  }
  return metrics;
}

function protocolMetrics(
  spec: ModelSpec,
  job: EvaluationJob,
  protocol: Protocol,
  split: EvaluationSplit,
): Record<string, number> {
  // Each protocol scores the path that serves its users: in-session under session, returning next-day.
  const served = pathSpec(spec.algorithm, spec.params, protocol === 'session' ? 'session' : 'returning');
  const result = evaluate(create(served), split);
  return {
    'precision@10': result.precision,
    'recall@10': result.recall,
    'ndcg@10': result.ndcg,
    'ndcg@10_se': result.ndcgStandardError,
    'hit_rate@10': result.hitRate,
    'map@10': result.map,
    coverage: result.coverage,
    users: result.users,
    eligible_users: result.eligibleUsers,
  };
}

export function evaluationJob(job: EvaluationJob): EvaluationOutcome {
  const sample = ratingsOfSampledUsers(job.ratings, { maxUsers: job.maxUsers });
  const dataset = { ratings: sample.ratings, movies: job.movies };
  // One split per protocol, shared by candidate and production.
  const splits = Object.fromEntries(
    PROTOCOLS.map((protocol) => [protocol, splitDataset(dataset, holdoutOf(protocol, job.gapSeconds))]),
  ) as Splits;
  const sampled: ProtocolMetrics =
    sample.users < sample.of ? { sampled_users: sample.users, population_users: sample.of } : {};
  const candidate = { ...metricsOf(job.candidate, job, splits), ...sampled };
  if (!job.production) return { candidate };
  // Every fit is deterministic: production with the candidate's parameters would score the same.
  const production = sameSpec(job.production, job.candidate)
    ? candidate
    : { ...metricsOf(job.production, job, splits), ...sampled };
  return { candidate, production };
}

function sameSpec(a: ModelSpec, b: ModelSpec): boolean {
  const canonical = (spec: ModelSpec) =>
    JSON.stringify([spec.algorithm, Object.entries(spec.params).sort(([x], [y]) => x.localeCompare(y))]);
  return canonical(a) === canonical(b);
}

/** Evaluates in a worker thread, so the event loop keeps serving meanwhile. */
export function evaluateInWorker(job: EvaluationJob, signal?: AbortSignal): Promise<EvaluationOutcome> {
  return runWorker<EvaluationOutcome>(import.meta.url, './evaluation.worker.js', job, { signal });
}
