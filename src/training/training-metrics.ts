import type { Gauge } from 'prom-client';

/**
 * The train stage's gauge. Monitoring defines and provides it (its metric registry), so this module
 * depends on no later one; the CLI, which serves no metrics, goes without.
 */
export abstract class TrainingMetrics {
  /** 1 for the dense linear algebra backend EASE fits use (`backend`: wasm-simd or js), 0 for the other. */
  abstract readonly linalgBackend: Gauge<'backend'>;
}
