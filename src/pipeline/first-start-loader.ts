import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineBusyError } from './pipeline.types.js';
import { DataStatusService } from '../ingestion/data-status.service.js';

export type LoadState = 'idle' | 'loading' | 'failed';

/**
 * On a database with no data, runs the pipeline once in the background (the first replay batch:
 * every period up to REPLAY_START_YEAR), so the service answers, /status included, while it loads.
 */
@Injectable()
export class FirstStartLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FirstStartLoader.name);
  private running?: Promise<unknown>;
  state: LoadState = 'idle';
  lastError?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: PipelineRunner,
    private readonly dataStatus: DataStatusService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // An api replica never runs the pipeline: the worker loads the first data.
    if (!this.config.autoIngest || this.config.role === 'api') return;
    if ((await this.dataStatus.dataVersion()) > 0) {
      this.logger.log('data already loaded; skipping the first-start load');
      return;
    }
    let started;
    try {
      started = await this.runner.start({ trigger: 'startup' });
    } catch (error) {
      if (!(error instanceof PipelineBusyError)) throw error;
      this.logger.log(`another process is loading the data (${error.message})`);
      return;
    }
    if (!started) return;
    this.state = 'loading';
    this.logger.log({ runId: started.runId }, 'empty database: loading the first batch in the background');
    this.running = started.done.then(({ status, error }) => {
      this.state = status === 'succeeded' ? 'idle' : 'failed';
      if (error) this.lastError = error;
    });
  }

  /**
   * Waits for a running first load before the pool closes. Cut off, the load would roll back
   * (it is one transaction) and start again from nothing at the next start; on a large dataset
   * that is the slower path.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.running;
  }
}
