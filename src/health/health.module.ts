import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { DataHealthIndicator } from './data.health.js';
import { HealthController } from './health.controller.js';
import { ModelHealthIndicator } from './model.health.js';
import { Readiness } from './readiness.js';

/** /status and /status/live; Readiness is what the serving side tells it (and reads back for its 503s). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), IngestionModule, PipelineModule],
  controllers: [HealthController],
  providers: [DataHealthIndicator, ModelHealthIndicator, Readiness],
  exports: [Readiness],
})
export class HealthModule {}
