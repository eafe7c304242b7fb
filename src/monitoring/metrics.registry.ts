import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const METRIC_PREFIX = 'movie_reco_';

/**
 * The registry every movie_reco_ metric lives in. One per app instance rather than prom-client's
 * global one, so several apps in one process (tests) do not collide.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

export function createHttpDurationHistogram(
  registry: Registry,
): Histogram<'method' | 'route' | 'status_code'> {
  return new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Duration of HTTP requests, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

/** What this process serves: counted or set as it happens. */
export function createServingMetrics(registry: Registry) {
  const registers = [registry];
  return {
    recommendations: new Counter({
      name: `${METRIC_PREFIX}recommendations_total`,
      help: 'Recommendation lists served, by endpoint (user, taste, similar) and fallback (none, popularity)',
      labelNames: ['endpoint', 'fallback'] as const,
      registers,
    }),
    modelInfo: new Gauge({
      name: `${METRIC_PREFIX}model_info`,
      help: 'The model version this process serves (value 1), with its algorithm',
      labelNames: ['version', 'algorithm'] as const,
      registers,
    }),
    modelNdcg: new Gauge({
      name: `${METRIC_PREFIX}model_ndcg_at_10`,
      help: 'Offline NDCG@10 of the model version this process serves',
      registers,
    }),
    modelRecall: new Gauge({
      name: `${METRIC_PREFIX}model_recall_at_10`,
      help: 'Offline Recall@10 of the model version this process serves',
      registers,
    }),
    modelLoaded: new Gauge({
      name: `${METRIC_PREFIX}model_loaded_timestamp_seconds`,
      help: 'When this process loaded the model version it serves (Unix seconds)',
      registers,
    }),
  };
}

/**
 * Facts of the whole database, read at scrape time: the same on every replica, so dashboards and
 * alerts aggregate them with max(), not sum(). Counters are totals kept in tables, so they only
 * ever grow (a reset shows only if the database is replaced).
 */
export function createDatabaseMetrics(registry: Registry) {
  const registers = [registry];
  return {
    dataVersion: new Gauge({
      name: `${METRIC_PREFIX}data_version`,
      help: 'The newest applied data version (0 before any)',
      registers,
    }),
    ratings: new Gauge({ name: `${METRIC_PREFIX}ratings`, help: 'Ratings stored', registers }),
    ingestedRows: new Counter({
      name: `${METRIC_PREFIX}ingested_rows_total`,
      help: 'Rows applied by every data batch, by file (movies, ratings, feedback)',
      labelNames: ['file'] as const,
      registers,
    }),
    quarantinedRows: new Counter({
      name: `${METRIC_PREFIX}quarantined_rows_total`,
      help: 'Rows quarantined by validation, by the check they failed',
      labelNames: ['check'] as const,
      registers,
    }),
    pipelineRuns: new Counter({
      name: `${METRIC_PREFIX}pipeline_runs_total`,
      help: 'Finished pipeline runs, by status (succeeded, failed)',
      labelNames: ['status'] as const,
      registers,
    }),
    lastSuccess: new Gauge({
      name: `${METRIC_PREFIX}pipeline_last_success_timestamp_seconds`,
      help: 'When the last successful pipeline run finished (Unix seconds; 0 before any)',
      registers,
    }),
    stageDuration: new Gauge({
      name: `${METRIC_PREFIX}pipeline_stage_duration_seconds`,
      help: 'Duration of each stage in the last finished pipeline run',
      labelNames: ['stage'] as const,
      registers,
    }),
    trainingDuration: new Gauge({
      name: `${METRIC_PREFIX}training_duration_seconds`,
      help: 'Training time of the newest model version',
      registers,
    }),
    productionNdcg: new Gauge({
      name: `${METRIC_PREFIX}production_model_ndcg_at_10`,
      help: 'Offline NDCG@10 of the version the registry marks production',
      registers,
    }),
    drift: new Gauge({
      name: `${METRIC_PREFIX}data_drift`,
      help: 'Drift of the newest applied batch against the data before it, by feature and measure (psi, ks)',
      labelNames: ['feature', 'measure'] as const,
      registers,
    }),
    driftThreshold: new Gauge({
      name: `${METRIC_PREFIX}data_drift_threshold`,
      help: 'The configured drift threshold of each measure, over which a batch is flagged',
      labelNames: ['measure'] as const,
      registers,
    }),
    scrapeErrors: new Counter({
      name: `${METRIC_PREFIX}database_metrics_errors_total`,
      help: 'Scrapes whose database-wide metrics could not be read (their last values are kept)',
      registers,
    }),
  };
}

export type ServingMetrics = ReturnType<typeof createServingMetrics>;
export type DatabaseMetrics = ReturnType<typeof createDatabaseMetrics>;
