import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { ValidationModule } from '../validation/validation.module.js';
import { BatchesController } from './batches.controller.js';
import { BatchesService } from './batches.service.js';
import { CsvBodyParser } from './csv-body-parser.js';

/** Admin routes over data batches: list, validation reports, quarantine, and CSV uploads. */
@Module({
  imports: [IngestionModule, PipelineModule, ValidationModule],
  controllers: [BatchesController],
  providers: [BatchesService, CsvBodyParser],
})
export class BatchesModule {}
