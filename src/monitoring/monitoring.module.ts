import { Global, Module, type Provider } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { EmbeddedServerMetrics } from '../database/embedded-server-metrics.js';
import { ImpressionMetrics } from '../impressions/impression-metrics.js';
import { TrainingMetrics } from '../training/training-metrics.js';
import { DatabaseMetricsCollector } from './database-metrics.js';
import { HttpMetricsHook } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { METRIC_PREFIX, metricProviders } from './metrics.registry.js';
import { metricsServiceProvider, MetricsService } from './metrics.service.js';

/**
 * Registered once per process: the default process metrics go to prom-client's registry at
 * registration, and a second registration would register them twice.
 */
const PROMETHEUS = PrometheusModule.register({
  controller: MetricsController,
  path: '/metrics',
  defaultMetrics: { enabled: true, config: { prefix: METRIC_PREFIX } },
});

/** The impressions module's counters, defined here with every other metric. */
const impressionMetrics: Provider = {
  provide: ImpressionMetrics,
  inject: [MetricsService],
  useFactory: (metrics: MetricsService) => metrics.impressions,
};

/** The embedded server's restart counter, for the database module that starts the server. */
const embeddedServerMetrics: Provider = {
  provide: EmbeddedServerMetrics,
  inject: [MetricsService],
  useFactory: (metrics: MetricsService) => ({ restarts: metrics.serving.embeddedDatabaseRestarts }),
};

/** The train stage's gauge of the linear algebra backend. */
const trainingMetrics: Provider = {
  provide: TrainingMetrics,
  inject: [MetricsService],
  useFactory: (metrics: MetricsService) => ({ linalgBackend: metrics.serving.linalgBackend }),
};

/**
 * Prometheus metrics through @willsoto/nestjs-prometheus (prom-client): the HTTP and serving figures of this process, and the
 * database-wide ones read from each table's owner in the background (not per scrape).
 */
@Global()
@Module({
  imports: [PROMETHEUS],
  providers: [
    ...metricProviders(),
    metricsServiceProvider,
    impressionMetrics,
    embeddedServerMetrics,
    trainingMetrics,
    HttpMetricsHook,
    DatabaseMetricsCollector,
  ],
  exports: [
    MetricsService,
    DatabaseMetricsCollector,
    ImpressionMetrics,
    EmbeddedServerMetrics,
    TrainingMetrics,
  ],
})
export class MonitoringModule {}
