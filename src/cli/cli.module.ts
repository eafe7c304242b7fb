import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { MonitoringModule } from '../monitoring/monitoring.module.js';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { TrainingModule } from '../training/training.module.js';

/** The app's modules without the HTTP server; logs go to stderr (`logParams`), results to stdout. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, options: { runMigrations: boolean }, logParams: Params): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logParams),
        DatabaseModule.forRoot(options),
        MonitoringModule,
        IngestionModule,
        RegistryModule,
        TrainingModule,
        PipelineModule,
      ],
    };
  }
}
