import type { Counter } from 'prom-client';

/**
 * The counters of impressions and hits. Monitoring defines and provides them (its metric
 * registry), so this module depends on no later one and the registry and feedback can call it.
 */
export abstract class ImpressionMetrics {
  abstract readonly served: Counter<'version' | 'path' | 'endpoint'>;
  abstract readonly hits: Counter<'version' | 'path'>;
  abstract readonly dropped: Counter<'queue' | 'reason'>;
  abstract readonly writeFailures: Counter;
}
