import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DriftModule } from '../drift/drift.module.js';
import { EvaluationModule } from '../evaluation/evaluation.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { TrainingModule } from '../training/training.module.js';
import { ValidationModule } from '../validation/validation.module.js';
import { FirstStartLoader } from './first-start-loader.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineRunsRepository } from './pipeline-runs.repository.js';
import { PipelineScheduler } from './pipeline-scheduler.js';
import { PipelineController } from './pipeline.controller.js';
import { PipelineStages } from './stages.js';

/** The run's stages in order (stages.ts), the runner, its history, the schedule and the first load. */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    IngestionModule,
    ValidationModule,
    DriftModule,
    TrainingModule,
    EvaluationModule,
    RegistryModule,
  ],
  controllers: [PipelineController],
  providers: [PipelineStages, PipelineRunner, PipelineRunsRepository, PipelineScheduler, FirstStartLoader],
  exports: [PipelineRunner, PipelineRunsRepository, FirstStartLoader],
})
export class PipelineModule {}
