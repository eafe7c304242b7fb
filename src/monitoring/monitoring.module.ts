import { Global, Module } from '@nestjs/common';
import { DatabaseMetricsCollector } from './database-metrics.js';
import { DriftService } from './drift.service.js';
import { HttpMetricsHook } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics on prom-client. @willsoto/nestjs-prometheus is not used: it is CommonJS and
 * require()s the ESM-only NestJS 12 packages, which Node runs but Jest on Node 20 cannot load,
 * so the app could not be booted in-process by the e2e tests.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsHook, DriftService, DatabaseMetricsCollector],
  exports: [MetricsService, DriftService],
})
export class MonitoringModule {}
