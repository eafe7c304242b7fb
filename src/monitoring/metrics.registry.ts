import type { Provider } from '@nestjs/common';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Every metric of this service starts so (Prometheus naming: base units, `_total`, `_seconds`). */
export const METRIC_PREFIX = 'movie_reco_';

const http = {
  duration: {
    kind: 'histogram',
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Duration of HTTP requests, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
} as const;

/** What this process serves: counted or set as it happens. */
const serving = {
  recommendations: {
    kind: 'counter',
    name: `${METRIC_PREFIX}recommendations_total`,
    help: 'Recommendation lists served, by endpoint (user, taste, similar) and fallback (none, popularity)',
    labelNames: ['endpoint', 'fallback'],
  },
  modelInfo: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}model_info`,
    help: 'The model version this process serves (value 1), with its algorithm',
    labelNames: ['version', 'algorithm'],
  },
  modelNdcg: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}model_ndcg_at_10`,
    help: 'Offline NDCG@10 of the model version this process serves, by protocol (session, next-day)',
    labelNames: ['protocol'],
  },
  modelRecall: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}model_recall_at_10`,
    help: 'Offline Recall@10 of the model version this process serves',
  },
  modelLoaded: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}model_loaded_timestamp_seconds`,
    help: 'When this process loaded the model version it serves (Unix seconds)',
  },
  foldInRatings: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}fold_in_ratings`,
    help: 'Ratings since training this process holds in memory to fold into lists (at most FOLD_IN_MAX_RATINGS)',
  },
  foldInUsers: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}fold_in_users`,
    help: 'Users with ratings since training held in memory by this process',
  },
  foldInDropped: {
    kind: 'counter',
    name: `${METRIC_PREFIX}fold_in_dropped_total`,
    help: 'Ratings since training dropped from memory by the FOLD_IN_MAX_RATINGS* limits (oldest first)',
  },
  embeddedDatabaseRestarts: {
    kind: 'counter',
    name: `${METRIC_PREFIX}embedded_database_restarts_total`,
    help: 'Restarts of the embedded PostgreSQL by this process after it exited on its own',
  },
  linalgBackend: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}linalg_backend`,
    help: "The dense linear algebra backend of this process's EASE fits (value 1, the other 0): wasm-simd, or js when the WebAssembly kernels could not load (the train stage logs why)",
    labelNames: ['backend'],
  },
} as const;

/**
 * Facts of the whole database, read in the background (src/monitoring/database-metrics.ts): the same on every replica, so dashboards and
 * alerts aggregate them with max(), not sum(). Counters are totals kept in tables, so they only
 * ever grow (a reset shows only if the database is replaced).
 */
const database = {
  dataVersion: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}data_version`,
    help: 'The newest applied data version (0 before any)',
  },
  ratings: { kind: 'gauge', name: `${METRIC_PREFIX}ratings`, help: 'Ratings stored' },
  ingestedRows: {
    kind: 'counter',
    name: `${METRIC_PREFIX}ingested_rows_total`,
    help: 'Rows applied by every data batch, by file (movies, ratings, feedback)',
    labelNames: ['file'],
  },
  quarantinedRows: {
    kind: 'counter',
    name: `${METRIC_PREFIX}quarantined_rows_total`,
    help: 'Rows quarantined by validation, by the check they failed (all counted, stored or not)',
    labelNames: ['check'],
  },
  quarantineStoredRows: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}quarantine_stored_rows`,
    help: 'Quarantined rows stored now (at most QUARANTINE_MAX_ROWS_PER_BATCH a batch, removed after QUARANTINE_RETENTION_DAYS)',
  },
  quarantineStoredBytes: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}quarantine_stored_bytes`,
    help: 'Bytes the quarantined rows table takes on disk, indexes and TOAST included',
  },
  pipelineRuns: {
    kind: 'counter',
    name: `${METRIC_PREFIX}pipeline_runs_total`,
    help: 'Finished pipeline runs, by status (succeeded, failed)',
    labelNames: ['status'],
  },
  lastSuccess: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}pipeline_last_success_timestamp_seconds`,
    help: 'When the last successful pipeline run finished (Unix seconds; 0 before any)',
  },
  stageDuration: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}pipeline_stage_duration_seconds`,
    help: 'Duration of each stage in the last finished pipeline run',
    labelNames: ['stage'],
  },
  trainingDuration: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}training_duration_seconds`,
    help: 'Training time of the newest model version',
  },
  productionNdcg: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}production_model_ndcg_at_10`,
    help: 'Offline NDCG@10 of the version the registry marks production, under the primary protocol (the one the gate decides on)',
  },
  drift: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}data_drift`,
    help: 'Drift of the newest applied batch against the data before it, by feature and measure (psi, ks)',
    labelNames: ['feature', 'measure'],
  },
  newUserShare: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}data_new_user_share`,
    help: "Share of the newest measured batch's ratings from users first seen in it (a flood of new accounts shows here)",
  },
  replayHitRate: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}replay_hit_rate`,
    help: 'Hit rate@10 of the production model replayed on the newest batch before it was trained on, by variant (served: ratings since training folded in; nightly: without)',
    labelNames: ['variant'],
  },
  replayEvents: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}replay_events`,
    help: 'Events (ratings >= 4 by a user with an earlier rating) the newest replay measure scored',
  },
  replayDataVersion: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}replay_data_version`,
    help: 'The data version (batch) the newest replay measure scored',
  },
  driftThreshold: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}data_drift_threshold`,
    help: 'The configured drift threshold of each measure (psi, ks, new_user_share), over which a batch is flagged',
    labelNames: ['measure'],
  },
  scrapeErrors: {
    kind: 'counter',
    name: `${METRIC_PREFIX}database_metrics_errors_total`,
    help: 'Background reads of the database-wide metrics that failed (their last values are kept)',
  },
  refreshed: {
    kind: 'gauge',
    name: `${METRIC_PREFIX}database_metrics_refreshed_timestamp_seconds`,
    help: 'When the database-wide metrics were last read (Unix seconds; they are read every METRICS_REFRESH_SECONDS, not per scrape)',
  },
} as const;

/**
 * The lists served and the hits later ratings gave them (src/impressions), counted by the process
 * that served the list or marked the hit: sum them over replicas. Online hit rate per version and
 * path = hits / impressions of `endpoint="user"` (only a user's list can be hit).
 */
const impressions = {
  served: {
    kind: 'counter',
    name: `${METRIC_PREFIX}impressions_total`,
    help: 'Recommendation lists served and recorded (counted once written), by model version, path and endpoint (user, taste, similar)',
    labelNames: ['version', 'path', 'endpoint'],
  },
  hits: {
    kind: 'counter',
    name: `${METRIC_PREFIX}impression_hits_total`,
    help: "Users' lists hit by a later rating >= 4 of a movie they showed (the user's newest list, within IMPRESSIONS_HIT_WINDOW_HOURS), by model version and path",
    labelNames: ['version', 'path'],
  },
  dropped: {
    kind: 'counter',
    name: `${METRIC_PREFIX}impressions_dropped_total`,
    help: 'Impressions and hit checks not written, by queue (impressions, hit-checks) and reason (buffer-full, write-failed)',
    labelNames: ['queue', 'reason'],
  },
  writeFailures: {
    kind: 'counter',
    name: `${METRIC_PREFIX}impression_write_failures_total`,
    help: 'Batched writes of impressions or hit checks that failed (logged; the app goes on)',
  },
} as const;

/** The metric families, by group, as their definitions. */
export const METRICS = { http, serving, database, impressions } as const;

type Definition =
  | { kind: 'counter' | 'gauge'; name: string; help: string; labelNames?: readonly string[] }
  | {
      kind: 'histogram';
      name: string;
      help: string;
      labelNames?: readonly string[];
      buckets: readonly number[];
    };

type LabelsOf<D> = D extends { labelNames: readonly (infer L extends string)[] } ? L : string;
type MetricOf<D> = D extends { kind: 'counter' }
  ? Counter<LabelsOf<D>>
  : D extends { kind: 'gauge' }
    ? Gauge<LabelsOf<D>>
    : Histogram<LabelsOf<D>>;

/** A group of metrics as the code uses them: name in the group → the prom-client metric. */
export type MetricGroup<G> = { readonly [K in keyof G]: MetricOf<G[K]> };

/** One @willsoto/nestjs-prometheus provider per metric, injectable by name (@InjectMetric). */
export function metricProviders(): Provider[] {
  const definitions: Definition[] = Object.values(METRICS).flatMap((group) => Object.values(group));
  return definitions.map((definition) => {
    const { kind, name, help } = definition;
    const labelNames = definition.labelNames ? [...definition.labelNames] : [];
    if (definition.kind === 'histogram') {
      return makeHistogramProvider({ name, help, labelNames, buckets: [...definition.buckets] });
    }
    return kind === 'counter'
      ? makeCounterProvider({ name, help, labelNames })
      : makeGaugeProvider({ name, help, labelNames });
  });
}
