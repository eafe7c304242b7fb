import type { Provider } from '@nestjs/common';
import { getToken } from '@willsoto/nestjs-prometheus';
import { METRICS, type MetricGroup } from './metrics.registry.js';

type Metrics = typeof METRICS;

/** The service's metrics by group, as registered with @willsoto/nestjs-prometheus. */
export class MetricsService {
  constructor(
    readonly http: MetricGroup<Metrics['http']>,
    readonly serving: MetricGroup<Metrics['serving']>,
    readonly database: MetricGroup<Metrics['database']>,
    readonly impressions: MetricGroup<Metrics['impressions']>,
  ) {}
}

const GROUPS = ['http', 'serving', 'database', 'impressions'] as const;
const NAMES = GROUPS.flatMap((group) => Object.values(METRICS[group]).map((definition) => definition.name));

/** Builds the MetricsService from the metric providers, so every metric is the one /metrics shows. */
export const metricsServiceProvider: Provider = {
  provide: MetricsService,
  inject: NAMES.map((name) => getToken(name)),
  useFactory: (...metrics: unknown[]) => {
    const byName = new Map(NAMES.map((name, i) => [name, metrics[i]]));
    const group = <G extends Record<string, { name: string }>>(definitions: G) =>
      Object.fromEntries(
        Object.entries(definitions).map(([key, definition]) => [key, byName.get(definition.name)]),
      ) as MetricGroup<G>;
    return new MetricsService(
      group(METRICS.http),
      group(METRICS.serving),
      group(METRICS.database),
      group(METRICS.impressions),
    );
  },
};
