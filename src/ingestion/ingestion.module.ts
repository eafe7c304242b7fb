import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataBatch } from './data-batch.entity.js';
import { DataStatusService } from './data-status.service.js';
import { FirstStartLoader } from './first-start-loader.js';
import { IngestionService } from './ingestion.service.js';
import { QuarantinedRow } from './quarantined-row.entity.js';
import { Rating } from './rating.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([DataBatch, Rating, QuarantinedRow])],
  providers: [IngestionService, DataStatusService, FirstStartLoader],
  exports: [IngestionService, DataStatusService, FirstStartLoader],
})
export class IngestionModule {}
