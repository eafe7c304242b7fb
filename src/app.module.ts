import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { BatchesModule } from './batches/batches.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { HttpLoggingModule } from './common/access-log.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { HealthModule } from './health/health.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { TrainingModule } from './training/training.module.js';
import { RecommendationsModule } from './recommendations/recommendations.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        HttpLoggingModule.forRoot(config.logLevel, config.logFormat),
        DatabaseModule.forRoot(),
        MonitoringModule,
        CatalogModule,
        IngestionModule,
        HealthModule,
        RegistryModule,
        TrainingModule,
        PipelineModule,
        AuthModule,
        BatchesModule,
        // A worker (ROLE=worker) holds no model in memory and takes no ratings: it runs pipelines.
        ...(config.role === 'worker' ? [] : [RecommendationsModule, FeedbackModule]),
      ],
    };
  }
}
