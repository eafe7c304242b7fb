import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineBusyError } from './pipeline.types.js';
import { DataStatusService } from '../ingestion/data-status.service.js';

/**
 * idle: nothing to do or done; loading: a load runs; waiting: the last load failed and another
 * is scheduled; failed: every attempt failed, the schedule (PIPELINE_CRON) is what remains.
 */
export type LoadState = 'idle' | 'loading' | 'waiting' | 'failed';

/** Attempts of the first load before it is left to the schedule (the first one included). */
export const FIRST_LOAD_ATTEMPTS = 8;
/** The longest wait between two attempts. */
const MAX_RETRY_DELAY_MS = 15 * 60_000;

/** The wait before attempt `attempt + 1` (attempt counts from 1): doubling from `firstMs`, capped. */
export function retryDelayMs(firstMs: number, attempt: number): number {
  return Math.min(firstMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
}

/**
 * On a database with no data, runs the pipeline in the background (the first replay batch), so
 * the service answers, /status included, while it loads. A failed load (the download failed,
 * say) is tried again with a doubling wait, FIRST_LOAD_ATTEMPTS times in all, rather than
 * leaving an empty catalog until the next scheduled run; /status reports the data down meanwhile.
 */
@Injectable()
export class FirstStartLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FirstStartLoader.name);
  private running?: Promise<unknown>;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  state: LoadState = 'idle';
  lastError?: string;
  /** Attempts made so far. */
  attempts = 0;
  /** When the next attempt starts, while `waiting`. */
  nextAttemptAt?: Date;

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
    await this.attempt();
  }

  private async attempt(): Promise<void> {
    let started;
    try {
      started = await this.runner.start({ trigger: 'startup' });
    } catch (error) {
      if (error instanceof PipelineBusyError) {
        this.logger.log(`another process is loading the data (${error.message})`);
        this.state = 'idle';
        return;
      }
      // Only the first attempt's errors stop the start (a database that cannot take a run).
      if (this.attempts === 0) throw error;
      this.failed((error as Error).message);
      return;
    }
    if (!started) return;
    this.attempts++;
    this.state = 'loading';
    this.nextAttemptAt = undefined;
    this.logger.log(
      { runId: started.runId, attempt: this.attempts },
      'empty database: loading the first batch in the background',
    );
    this.running = started.done.then(async ({ status, error }) => {
      if (status === 'succeeded') {
        this.state = 'idle';
        this.lastError = undefined;
        return;
      }
      this.failed(error ?? `run ${started.runId} failed`);
    });
  }

  private failed(error: string): void {
    this.lastError = error;
    if (this.stopped) return;
    if (this.attempts >= FIRST_LOAD_ATTEMPTS) {
      this.state = 'failed';
      this.logger.error(
        { attempts: this.attempts },
        `the first load failed ${this.attempts} times (${error}); the next scheduled run will try again`,
      );
      return;
    }
    const delay = retryDelayMs(this.config.firstLoadRetryMs, this.attempts);
    this.state = 'waiting';
    this.nextAttemptAt = new Date(Date.now() + delay);
    this.logger.warn(
      { attempt: this.attempts, of: FIRST_LOAD_ATTEMPTS, retryInSeconds: delay / 1000 },
      `the first load failed (${error}); trying again in ${delay / 1000} s`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.running = this.retry();
    }, delay);
    this.retryTimer.unref();
  }

  /** Another attempt, unless data arrived meanwhile (an upload, a scheduled run, another process). */
  private async retry(): Promise<void> {
    try {
      if ((await this.dataStatus.dataVersion()) > 0) {
        this.state = 'idle';
        this.lastError = undefined;
        return;
      }
      await this.attempt();
    } catch (error) {
      this.failed((error as Error).message);
    }
  }

  /**
   * Waits for a running first load before the pool closes. Cut off, the load would roll back
   * (it is one transaction) and start again from nothing at the next start; on a large dataset
   * that is the slower path. A scheduled retry is cancelled.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.running;
  }
}
