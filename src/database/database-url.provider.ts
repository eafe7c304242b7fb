import { Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { EmbeddedServerMetrics } from './embedded-server-metrics.js';

const EMBEDDED_DATABASE_NAME = 'movie_reco';

/** Decides where the database is: DATABASE_URL when set, else an embedded server it starts. */
@Injectable()
export class DatabaseServer implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseServer.name);
  private embedded?: EmbeddedPostgres;

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    @Optional() private readonly metrics?: EmbeddedServerMetrics,
  ) {}

  async resolveUrl(): Promise<string> {
    const { url, embeddedDataDir, embeddedPort, embeddedRestartAttempts } = this.config.database;
    if (url) return url;
    this.embedded = new EmbeddedPostgres({
      dataDir: embeddedDataDir,
      port: embeddedPort,
      database: EMBEDDED_DATABASE_NAME,
      restartAttempts: embeddedRestartAttempts,
      onRestart: () => this.metrics?.restarts.inc(),
      log: {
        info: (message) => this.logger.log(message),
        warn: (message) => this.logger.warn(message),
        error: (message) => this.logger.error(message),
        debug: (message) => this.logger.debug(message),
      },
    });
    return this.embedded.start();
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** Why the process cannot serve any more: its embedded server exited and could not be restarted. */
  get lost(): string | undefined {
    return this.embedded?.lost;
  }

  /** The pool is closed first so that the server stops with no client left connected. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    if (await this.embedded.stop()) this.logger.log('embedded PostgreSQL stopped');
  }
}
