import { Injectable } from '@nestjs/common';
import type { Histogram, Registry } from 'prom-client';
import { createHttpDurationHistogram, createMetricsRegistry } from './metrics.registry.js';

@Injectable()
export class MetricsService {
  readonly registry: Registry = createMetricsRegistry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'> = createHttpDurationHistogram(
    this.registry,
  );

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
