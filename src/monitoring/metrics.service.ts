import { Injectable } from '@nestjs/common';
import type { Histogram, Registry } from 'prom-client';
import {
  createDatabaseMetrics,
  createHttpDurationHistogram,
  createMetricsRegistry,
  createServingMetrics,
  type DatabaseMetrics,
  type ServingMetrics,
} from './metrics.registry.js';

@Injectable()
export class MetricsService {
  readonly registry: Registry = createMetricsRegistry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'> = createHttpDurationHistogram(
    this.registry,
  );
  readonly serving: ServingMetrics = createServingMetrics(this.registry);
  readonly database: DatabaseMetrics = createDatabaseMetrics(this.registry);

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
