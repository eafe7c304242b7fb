import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { BatchesController } from './batches.controller.js';
import { BatchesService } from './batches.service.js';
import { CsvBodyParser } from './csv-body-parser.js';

/** Admin routes over data batches: list, validation reports, quarantine, and CSV uploads. */
@Module({
  imports: [PipelineModule],
  controllers: [BatchesController],
  providers: [BatchesService, CsvBodyParser],
})
export class BatchesModule {}
