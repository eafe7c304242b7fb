import type { Counter } from 'prom-client';

/**
 * The embedded server's counter. Monitoring defines and provides it (its metric registry), so this
 * module depends on no later one; the CLI, which serves no metrics, goes without.
 */
export abstract class EmbeddedServerMetrics {
  abstract readonly restarts: Counter;
}
