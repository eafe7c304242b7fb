import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ValidationModule } from '../validation/validation.module.js';
import { BatchesRepository } from './batches.repository.js';
import { DataStatusService } from './data-status.service.js';
import { FeedbackRevert } from './feedback-revert.js';
import { IngestStage } from './ingest.stage.js';
import { MovieLensSourceResolver } from './movielens-source-resolver.js';
import { MovieLensFolderCheck } from './movielens-folder-check.js';
import { QuarantineRetention } from './quarantine-retention.js';
import { RatingsRepository } from './ratings.repository.js';
import { TempFileSweeper } from './temp-files.js';
import { TransformStage } from './transform.stage.js';

/** The data store: sources, batches (data versions) and ratings; the ingest and transform stages. */
@Module({
  imports: [CatalogModule, ValidationModule],
  providers: [
    MovieLensSourceResolver,
    DataStatusService,
    BatchesRepository,
    RatingsRepository,
    FeedbackRevert,
    IngestStage,
    TransformStage,
    TempFileSweeper,
    MovieLensFolderCheck,
    QuarantineRetention,
  ],
  exports: [
    MovieLensSourceResolver,
    DataStatusService,
    BatchesRepository,
    RatingsRepository,
    FeedbackRevert,
    IngestStage,
    TransformStage,
    MovieLensFolderCheck,
    QuarantineRetention,
  ],
})
export class IngestionModule {}
