import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DataStatusService } from './data-status.service.js';
import { IngestionService } from './ingestion.service.js';

export type LoadState = 'idle' | 'loading' | 'failed';

/**
 * On a database with no data, loads the configured dataset in the background so the service
 * answers (/status included) while it loads.
 */
@Injectable()
export class FirstStartLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FirstStartLoader.name);
  private running?: Promise<void>;
  state: LoadState = 'idle';
  lastError?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly dataStatus: DataStatusService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.autoIngest) return;
    if ((await this.dataStatus.dataVersion()) > 0) {
      this.logger.log('data already loaded; skipping the first-start load');
      return;
    }
    this.state = 'loading';
    this.logger.log('empty database: loading the dataset in the background');
    this.running = this.ingestion.ingestAll().then(
      () => {
        this.state = 'idle';
      },
      (error: Error) => {
        this.state = 'failed';
        this.lastError = error.message;
        this.logger.error({ err: error }, `first-start load failed: ${error.message}`);
      },
    );
  }

  /** Lets a running load finish or fail before the pool closes, so shutdown never half-writes. */
  async onApplicationShutdown(): Promise<void> {
    await this.running;
  }
}
