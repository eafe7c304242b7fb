import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HealthModule } from '../health/health.module.js';
import { ImpressionsModule } from '../impressions/impressions.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RecommendationsController } from './recommendations.controller.js';
import { RecommendationsService } from './recommendations.service.js';

@Module({
  imports: [CatalogModule, HealthModule, ImpressionsModule, IngestionModule, RegistryModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsService],
})
export class RecommendationsModule {}
