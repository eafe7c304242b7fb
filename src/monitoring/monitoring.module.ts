import { Global, Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { ValidationModule } from '../validation/validation.module.js';
import { DatabaseMetricsCollector } from './database-metrics.js';
import { HttpMetricsHook } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics on prom-client: the HTTP and serving figures of this process, and the
 * database-wide ones read from each table's owner at scrape time.
 */
@Global()
@Module({
  imports: [IngestionModule, ValidationModule, PipelineModule, RegistryModule],
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsHook, DatabaseMetricsCollector],
  exports: [MetricsService],
})
export class MonitoringModule {}
