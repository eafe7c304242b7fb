import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { ValidationModule } from '../validation/validation.module.js';
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

/**
 * Prometheus metrics through @willsoto/nestjs-prometheus (prom-client): the HTTP and serving figures of this process, and the
 * database-wide ones read from each table's owner at scrape time.
 */
@Global()
@Module({
  imports: [PROMETHEUS, IngestionModule, ValidationModule, PipelineModule, RegistryModule],
  providers: [...metricProviders(), metricsServiceProvider, HttpMetricsHook, DatabaseMetricsCollector],
  exports: [MetricsService, DatabaseMetricsCollector],
})
export class MonitoringModule {}
