/**
 * The names the offline figures are recorded under, as types: a model version's metrics and the
 * evaluation's reports are written and read only through these, never through strings put together
 * where they are used.
 *
 * A figure of one protocol is recorded as `<protocol>:<name>` (`next-day:ndcg@10`); the primary
 * protocol's (the one the promotion gate decides on) also bare (`ndcg@10`), which the registry's
 * one-figure views read. The ranking figures name their cut-off (`@10`); the NDCG's standard error
 * is `ndcg@10_se`.
 */
import type { MetricsSummary } from './metrics.js';
import { DEFAULT_K } from './scored-users.js';
import type { Protocol } from './split.js';

/** The figures measured over the top k of each list. */
type RankedMetric = 'precision' | 'recall' | 'ndcg' | 'hit_rate' | 'map';

/** The figures without a cut-off: the share of the catalogue recommended, and users counted. */
type UnrankedMetric = 'coverage' | 'users' | 'eligible_users';

/** A figure of a protocol's evaluation; `ndcg_se` is the standard error of the mean NDCG. */
export type Metric = RankedMetric | 'ndcg_se' | UnrankedMetric;

/** A figure's name, its cut-off included: `ndcg@10`, `ndcg@10_se`, `users`. */
export type MetricName = `${RankedMetric}@${number}` | `ndcg@${number}_se` | UnrankedMetric;

/** Recorded once whatever the protocol: on large data, the seeded sample of users and their number. */
export type SampleKey = 'sampled_users' | 'population_users';

/** Whose figure: a protocol's, or the primary protocol's recorded bare. */
export type MetricScope = Protocol | 'primary';

/** The key a figure is recorded under. */
export type MetricKey = MetricName | `${Protocol}:${MetricName}` | SampleKey;

/** Figures as recorded (a version's metrics column): read by key, absent when not measured. */
export type RecordedMetrics = Readonly<Record<string, number>>;

/** A figure's name at cut-off `k`: `metricName('ndcg')` is `ndcg@10`. */
export function metricName(metric: Metric, k = DEFAULT_K): MetricName {
  switch (metric) {
    case 'coverage':
    case 'users':
    case 'eligible_users':
      return metric;
    case 'ndcg_se':
      return `ndcg@${k}_se`;
    default:
      return `${metric}@${k}`;
  }
}

/** The key of a named figure in `scope`: `scopedKey('session', 'ndcg@10')` is `session:ndcg@10`. */
export function scopedKey(scope: MetricScope, name: MetricName): MetricKey {
  return scope === 'primary' ? name : `${scope}:${name}`;
}

/** The key of a figure: `metricKey('next-day', 'ndcg')` is `next-day:ndcg@10`, `metricKey('primary', 'recall')` `recall@10`. */
export function metricKey(scope: MetricScope, metric: Metric, k = DEFAULT_K): MetricKey {
  return scopedKey(scope, metricName(metric, k));
}

/** A recorded figure; undefined when it was not measured (or an older version did not record it). */
export function figureOf(metrics: RecordedMetrics, key: MetricKey): number | undefined {
  return metrics[key];
}

/** A protocol's NDCG@k (the primary protocol's, recorded bare, with `'primary'`); undefined when not measured. */
export function ndcgOf(metrics: RecordedMetrics, scope: MetricScope, k = DEFAULT_K): number | undefined {
  return figureOf(metrics, metricKey(scope, 'ndcg', k));
}

/** A summary's figures under their names, in the order they are recorded and reported. */
export function summaryFigures(summary: MetricsSummary, k = DEFAULT_K): [MetricName, number][] {
  return [
    [metricName('precision', k), summary.precision],
    [metricName('recall', k), summary.recall],
    [metricName('ndcg', k), summary.ndcg],
    [metricName('ndcg_se', k), summary.ndcgStandardError],
    [metricName('hit_rate', k), summary.hitRate],
    [metricName('map', k), summary.map],
    ['coverage', summary.coverage],
    ['users', summary.users],
  ];
}
