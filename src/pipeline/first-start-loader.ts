import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DataStatusService } from '../ingestion/data-status.service.js';
import { RegistryService } from '../registry/registry.service.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineBusyError, type RunOptions } from './pipeline.types.js';

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

/** What the database holds at start, as far as the start-up run is concerned. */
export interface StartingPoint {
  /** The newest data version (0: no data). */
  dataVersion: number;
  /** The newest data version a model was decided on (promoted or turned down). */
  decidedUpTo: number;
  hasProduction: boolean;
}

/** The run a start needs, if any; what it is for goes in the log and /status. */
export type StartUpRun = { why: string; options: Pick<RunOptions, 'source' | 'retrain'> };

/**
 * The run that brings a starting service to something it can serve: the first load on an empty
 * database; on loaded data with no model decided on its newest version (a start interrupted after
 * the load, or data loaded with `ingest`), a run that reads no new data and trains that version —
 * the rule the pipeline applies to a run with no new data; with nothing in production at all, a
 * training whatever was decided before.
 */
export function startUpRun(point: StartingPoint): StartUpRun | undefined {
  if (point.dataVersion === 0) return { why: 'empty database: loading the first batch', options: {} };
  if (point.decidedUpTo < point.dataVersion)
    return {
      why: `data version ${point.dataVersion} has no model: training it now`,
      options: { source: { kind: 'none' } },
    };
  if (!point.hasProduction)
    return {
      why: 'no model in production: training the newest data now',
      options: { source: { kind: 'none' }, retrain: true },
    };
  return undefined;
}

/**
 * At start, runs the pipeline in the background when the service has nothing to serve (see
 * startUpRun), so the service answers, /status included, meanwhile, and an interrupted first
 * start recovers without waiting for the schedule. A failed run (the download failed, say) is
 * tried again with a doubling wait, FIRST_LOAD_ATTEMPTS times in all; /status reports it meanwhile.
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
    private readonly registry: RegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // An api replica never runs the pipeline: the worker loads the first data.
    if (!this.config.autoIngest || this.config.role === 'api') return;
    const run = await this.needed();
    if (!run) {
      this.logger.log('data already loaded and a model decided on it; nothing to run at start');
      return;
    }
    await this.attempt(run);
  }

  private async needed(): Promise<StartUpRun | undefined> {
    const [dataVersion, decidedUpTo, production] = await Promise.all([
      this.dataStatus.dataVersion(),
      this.registry.newestDecidedDataVersion(),
      this.registry.production(),
    ]);
    return startUpRun({ dataVersion, decidedUpTo, hasProduction: production !== undefined });
  }

  private async attempt(run: StartUpRun): Promise<void> {
    let started;
    try {
      started = await this.runner.start({ trigger: 'startup', ...run.options });
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
    this.logger.log({ runId: started.runId, attempt: this.attempts }, `${run.why} (in the background)`);
    this.running = started.done.then(async ({ status, error }) => {
      // Cancelled: the process is stopping; the next start picks the work up.
      if (status === 'succeeded' || status === 'cancelled') {
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

  /** Another attempt, unless another run did the work meanwhile (an upload, a scheduled run). */
  private async retry(): Promise<void> {
    try {
      const run = await this.needed();
      if (!run) {
        this.state = 'idle';
        this.lastError = undefined;
        return;
      }
      await this.attempt(run);
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
