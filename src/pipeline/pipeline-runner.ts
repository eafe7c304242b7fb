import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PipelineRegistry } from './pipeline-registry.js';
import { PipelineBusyError, type RunContext, type RunOptions, type StageRecord } from './pipeline.types.js';

/** Which process ran a run, for the history: `pid@host`. */
const RUNNER_NAME = `${process.pid}@${hostname()}`;

/** One pipeline run at a time across every process sharing the database. */
const PIPELINE_LOCK_KEY = 'movie-reco:pipeline';

export interface StartedRun {
  runId: number;
  /** Resolves when the run has finished (succeeded or failed); never rejects. */
  done: Promise<{ status: 'succeeded' | 'failed'; summary: string | null; error: string | null }>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the registered stages in order and records the run. A failed stage fails the run: the
 * stages' cleanups roll back whatever they left open, so the data stays as it was.
 */
@Injectable()
export class PipelineRunner {
  private readonly logger = new Logger(PipelineRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: PipelineRegistry,
  ) {}

  /**
   * Takes the cross-process lock and records the run, then executes it in the background.
   * Throws PipelineBusyError when another run is active; returns null when a replica already
   * took this cron tick.
   */
  async start(options: RunOptions): Promise<StartedRun | null> {
    const stages = this.registry.ordered(options.until);
    const runner = this.dataSource.createQueryRunner();
    const lockClient = (await runner.connect()) as PoolClient;
    let locked = false;
    try {
      const { rows } = await lockClient.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [PIPELINE_LOCK_KEY],
      );
      locked = rows[0]!.locked;
      if (!locked) {
        const active = await lockClient.query<{ id: number }>(
          `SELECT id FROM pipeline_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1`,
        );
        throw new PipelineBusyError(active.rows[0]?.id ?? null);
      }
      // Holding the lock, any run still marked running belongs to a process that died.
      await lockClient.query(
        `UPDATE pipeline_runs SET status = 'failed', finished_at = now(),
           error = 'interrupted: the process running it stopped before it finished'
         WHERE status = 'running'`,
      );
      const inserted = await lockClient.query<{ id: number }>(
        `INSERT INTO pipeline_runs (trigger, status, scheduled_for, runner) VALUES ($1, 'running', $2, $3)
         ON CONFLICT (scheduled_for) WHERE trigger = 'schedule' DO NOTHING RETURNING id`,
        [options.trigger, options.scheduledFor ?? null, RUNNER_NAME],
      );
      const runId = inserted.rows[0]?.id;
      if (runId === undefined) {
        await this.unlock(lockClient);
        await runner.release();
        return null;
      }
      this.logger.log({ runId, trigger: options.trigger }, 'pipeline run started');
      const done = this.execute(runId, stages, options, lockClient).finally(async () => {
        await this.unlock(lockClient);
        await runner.release();
      });
      return { runId, done };
    } catch (error) {
      if (locked) await this.unlock(lockClient);
      await runner.release();
      throw error;
    }
  }

  /** Starts a run and waits for it to finish. */
  async run(options: RunOptions) {
    const started = await this.start(options);
    if (!started) return null;
    return { runId: started.runId, ...(await started.done) };
  }

  private async unlock(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [PIPELINE_LOCK_KEY]).catch(() => undefined);
  }

  private async execute(
    runId: number,
    stages: ReturnType<PipelineRegistry['ordered']>,
    options: RunOptions,
    db: PoolClient,
  ) {
    const records: StageRecord[] = [];
    const cleanups: ((failed: boolean) => Promise<void>)[] = [];
    const facts: { batchId?: number; dataVersion?: number; drift?: unknown } = {};
    const context: RunContext = {
      runId,
      options,
      outputs: new Map(),
      onFinish: (cleanup) => cleanups.push(cleanup),
      record: (fields) => Object.assign(facts, fields),
    };
    const save = (status: string, summary: string | null, error: string | null) =>
      db.query(
        `UPDATE pipeline_runs SET status = $2, stages = $3, summary = $4, error = $5, batch_id = $6,
           data_version = $7, drift = $8, finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END
         WHERE id = $1`,
        [
          runId,
          status,
          JSON.stringify(records),
          summary,
          error,
          facts.batchId ?? null,
          facts.dataVersion ?? null,
          facts.drift === undefined ? null : JSON.stringify(facts.drift),
        ],
      );

    let summary: string | null = null;
    let failure: string | null = null;
    for (const stage of stages) {
      const record: StageRecord = {
        name: stage.name,
        status: 'running',
        startedAt: new Date().toISOString(),
      };
      records.push(record);
      await save('running', null, null).catch(() => undefined);
      const started = performance.now();
      try {
        const result = (await stage.run(context)) ?? {};
        record.status = 'succeeded';
        if (result.rows !== undefined) record.rows = result.rows;
        if (result.detail !== undefined) record.detail = result.detail;
        if (result.finish !== undefined) summary = result.finish;
      } catch (error) {
        record.status = 'failed';
        record.error = errorMessage(error);
        failure = `stage ${stage.name} failed: ${record.error}`;
      }
      record.seconds = Math.round(performance.now() - started) / 1000;
      this.logger.log(
        { runId, stage: stage.name, status: record.status, seconds: record.seconds, rows: record.rows },
        `stage ${stage.name} ${record.status}`,
      );
      if (failure !== null || summary !== null) break;
    }
    for (const remaining of stages.slice(records.length)) {
      records.push({ name: remaining.name, status: 'skipped', startedAt: new Date().toISOString() });
    }
    for (const cleanup of cleanups.reverse()) {
      await cleanup(failure !== null).catch((error) =>
        this.logger.error({ runId, err: error }, `cleanup failed: ${errorMessage(error)}`),
      );
    }
    const status = failure === null ? 'succeeded' : 'failed';
    summary ??= failure === null ? 'completed' : null;
    await save(status, summary, failure).catch((error) =>
      this.logger.error(
        { runId, err: error },
        `could not record the end of run ${runId}: ${errorMessage(error)}`,
      ),
    );
    if (failure === null) this.logger.log({ runId, summary }, `pipeline run ${runId} succeeded: ${summary}`);
    else this.logger.error({ runId }, `pipeline run ${runId} failed: ${failure}`);
    return { status, summary, error: failure } as const;
  }
}
