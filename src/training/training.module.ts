import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { ModelSettings } from './model-settings.js';
import { TrainStage } from './train.stage.js';

/** The algorithms, the model bundle, and the train stage that fits it. */
@Module({
  imports: [CatalogModule, IngestionModule],
  providers: [ModelSettings, TrainStage],
  exports: [ModelSettings, TrainStage],
})
export class TrainingModule {}
