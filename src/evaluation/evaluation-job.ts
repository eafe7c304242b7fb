import { runWorker } from '../common/worker-thread.js';
import {
  evaluate,
  type EvaluationSplit,
  findAlgorithm,
  holdoutOf,
  type MetricKey,
  type MetricName,
  type MovieInput,
  type Params,
  pathSpec,
  type Protocol,
  PROTOCOLS,
  type RatingColumns,
  ratingsOfSampledUsers,
  type RecordedMetrics,
  type Recommender,
  type SampleKey,
  scopedKey,
  splitDataset,
  summaryFigures,
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
  /** The protocols this job scores (all by default): evaluateInWorker gives each its own thread. */
  protocols?: Protocol[];
}

/**
 * A model's figures by key (MetricKey): each protocol's as `<protocol>:<metric>` (e.g.
 * `next-day:ndcg@10`), and the primary protocol's also bare (`ndcg@10`), which is what the gate and
 * the registry's one-figure views read.
 */
export interface EvaluationOutcome {
  candidate: RecordedMetrics;
  /** Production's parameters refitted on the same split, so both are scored on equal terms. */
  production?: RecordedMetrics;
}

function create({ algorithm, params }: ModelSpec): Recommender {
  const entry = findAlgorithm(algorithm);
  if (!entry) throw new Error(`unknown algorithm "${algorithm}"`);
  return entry.create(params);
}

type Splits = Record<Protocol, EvaluationSplit>;

function metricsOf(spec: ModelSpec, job: EvaluationJob, splits: Partial<Splits>): RecordedMetrics {
  const figures: [MetricKey, number][] = [];
  for (const protocol of protocolsOf(job)) {
    for (const [name, value] of protocolFigures(spec, protocol, splits[protocol]!)) {
      figures.push([scopedKey(protocol, name), value]);
      if (protocol === job.primary) figures.push([scopedKey('primary', name), value]);
    }
  }
  return Object.fromEntries(figures);
}

function protocolFigures(
  spec: ModelSpec,
  protocol: Protocol,
  split: EvaluationSplit,
): [MetricName, number][] {
  // Each protocol scores the path that serves its users: in-session under session, returning next-day.
  const served = pathSpec(spec.algorithm, spec.params, protocol === 'session' ? 'session' : 'returning');
  const result = evaluate(create(served), split);
  return [...summaryFigures(result), ['eligible_users', result.eligibleUsers]];
}

export function evaluationJob(job: EvaluationJob): EvaluationOutcome {
  const sample = ratingsOfSampledUsers(job.ratings, { maxUsers: job.maxUsers });
  const dataset = { ratings: sample.ratings, movies: job.movies };
  // One split per protocol, shared by candidate and production.
  const splits: Partial<Splits> = Object.fromEntries(
    protocolsOf(job).map((protocol) => [
      protocol,
      splitDataset(dataset, holdoutOf(protocol, job.gapSeconds)),
    ]),
  );
  const sampled: Partial<Record<SampleKey, number>> =
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

function protocolsOf(job: EvaluationJob): readonly Protocol[] {
  return job.protocols ?? PROTOCOLS;
}

/**
 * Evaluates in worker threads, one per protocol (each samples and splits on its own, then fits
 * and scores candidate and production), so the two protocols' fits use both cores and the event
 * loop keeps serving meanwhile; the figures are merged as one job's.
 */
export async function evaluateInWorker(job: EvaluationJob, signal?: AbortSignal): Promise<EvaluationOutcome> {
  const parts = await Promise.all(
    protocolsOf(job).map((protocol) =>
      runWorker<EvaluationOutcome>(
        import.meta.url,
        './evaluation.worker.js',
        { ...job, protocols: [protocol] },
        { signal },
      ),
    ),
  );
  const merged = (pick: (part: EvaluationOutcome) => RecordedMetrics | undefined) =>
    Object.assign({}, ...parts.map(pick)) as RecordedMetrics;
  return {
    candidate: merged((part) => part.candidate),
    ...(parts[0]!.production ? { production: merged((part) => part.production) } : {}),
  };
}
