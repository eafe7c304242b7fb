import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { DataHealthIndicator } from './data.health.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), IngestionModule, PipelineModule],
  controllers: [HealthController],
  providers: [DataHealthIndicator],
})
export class HealthModule {}
