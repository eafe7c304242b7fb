import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { PipelineRegistry } from './pipeline-registry.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineRunsService } from './pipeline-runs.service.js';
import { PipelineScheduler } from './pipeline-scheduler.js';
import { PipelineController } from './pipeline.controller.js';

/** The orchestrator and its history; stages are registered by the modules that own them. */
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [PipelineController],
  providers: [PipelineRegistry, PipelineRunner, PipelineRunsService, PipelineScheduler],
  exports: [PipelineRegistry, PipelineRunner, PipelineRunsService],
})
export class PipelineModule {}
