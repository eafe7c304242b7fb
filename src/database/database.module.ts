import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from '../../migrations/index.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from './database-url.provider.js';
import { TypeOrmLogger } from './typeorm-logger.js';

/** Global: liveness (src/health) asks the server whether the process can still serve. */
@Global()
@Module({
  providers: [DatabaseServer],
  exports: [DatabaseServer],
})
class DatabaseServerModule {}

export interface DatabaseModuleOptions {
  /** Apply pending migrations when connecting (the app does; `db migrate` / `db revert` do it themselves). */
  runMigrations: boolean;
}

/** The TypeORM connection to DATABASE_URL or to the embedded server. */
@Module({})
export class DatabaseModule {
  static forRoot({ runMigrations }: DatabaseModuleOptions = { runMigrations: true }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [DatabaseServerModule],
          inject: [DatabaseServer, AppConfig],
          useFactory: async (server: DatabaseServer, config: AppConfig) => ({
            type: 'postgres' as const,
            url: await server.resolveUrl(),
            autoLoadEntities: true,
            migrations,
            migrationsRun: runMigrations,
            migrationsTransactionMode: 'each' as const,
            synchronize: false,
            logging: config.logLevel === 'trace' ? ('all' as const) : (['error'] as 'error'[]),
            logger: new TypeOrmLogger(config.logLevel === 'trace'),
            retryAttempts: 3,
            retryDelay: 1000,
            extra: { max: 10, connectionTimeoutMillis: 5000 },
          }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
