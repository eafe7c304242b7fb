import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ImpressionsModule } from '../impressions/impressions.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { FeedbackAdminController } from './feedback-admin.controller.js';
import { FeedbackController } from './feedback.controller.js';
import { FeedbackService } from './feedback.service.js';

/** Ratings sent by API clients; the next pipeline run adopts them as new data; a client's can be reverted. */
@Module({
  imports: [CatalogModule, ImpressionsModule, IngestionModule],
  controllers: [FeedbackController, FeedbackAdminController],
  providers: [FeedbackService],
  exports: [FeedbackService],
})
export class FeedbackModule {}
