import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { DataStatusService } from './data-status.service.js';
import {
  DataStagesRegistrar,
  DriftStage,
  IngestStage,
  TransformStage,
  ValidateStage,
} from './data-stages.js';
import { FirstStartLoader } from './first-start-loader.js';
import { IngestionService } from './ingestion.service.js';

@Module({
  imports: [PipelineModule],
  providers: [
    IngestionService,
    DataStatusService,
    FirstStartLoader,
    IngestStage,
    ValidateStage,
    DriftStage,
    TransformStage,
    DataStagesRegistrar,
  ],
  exports: [IngestionService, DataStatusService, FirstStartLoader],
})
export class IngestionModule {}
