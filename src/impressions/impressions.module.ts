import { Module } from '@nestjs/common';
import { ImpressionsRepository } from './impressions.repository.js';
import { ImpressionsService } from './impressions.service.js';

/**
 * The lists served (the `impressions` table) and their hits: recorded by recommendations, hit by
 * feedback's ratings, read by the registry and the CLI. Its counters come from monitoring, which
 * is global (ImpressionMetrics).
 */
@Module({
  providers: [ImpressionsRepository, ImpressionsService],
  exports: [ImpressionsService],
})
export class ImpressionsModule {}
