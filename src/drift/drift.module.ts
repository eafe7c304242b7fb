import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { DriftService } from './drift.service.js';
import { DriftStage } from './drift.stage.js';

/** Drift of each new batch against the data already applied. */
@Module({
  imports: [CatalogModule, IngestionModule],
  providers: [DriftService, DriftStage],
  exports: [DriftStage],
})
export class DriftModule {}
