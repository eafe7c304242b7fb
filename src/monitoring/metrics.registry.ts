import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'movie_reco_';

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
