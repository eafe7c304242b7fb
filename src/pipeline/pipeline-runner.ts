import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { loggingProgress, type StageOutcome } from '../common/progress.js';
import { holdClient } from '../database/pool-client.js';
import { PipelineRunsRepository, type RunProgress } from './pipeline-runs.repository.js';
import { PipelineBusyError, type RunOptions, type RunStatus, type StageRecord } from './pipeline.types.js';
import type { RunState } from './run-state.js';
import { PipelineStages, type Stage } from './stages.js';

/** Which process ran a run, for the history: `pid@host`. */
const HOST = hostname();
const RUNNER_NAME = `${process.pid}@${HOST}`;

/**
 * Whether the runner (pid@host) of a run still marked running is certainly gone: a process of this
 * host that no longer exists, or this process's own pid (from before a restart: a container's pid
 * 1), as nothing of this process runs yet when it starts. Another host's runner cannot be told.
 */
function deadOnThisHost(runner: string): boolean {
  const at = runner.lastIndexOf('@');
  if (at < 0 || runner.slice(at + 1) !== HOST) return false;
  const pid = Number(runner.slice(0, at));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** One pipeline run at a time across every process sharing the database. */
const PIPELINE_LOCK_KEY = 'movie-reco:pipeline';

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  summary: string | null;
  error: string | null;
}

export interface StartedRun {
  runId: number;
  /** Resolves when the run has finished (succeeded, failed or cancelled); never rejects. */
  done: Promise<RunOutcome>;
}

/**
 * An error's message as the run history can store it: PostgreSQL text and jsonb cannot hold NUL,
 * and an error quoting an uploaded row may carry one (shown as ␀).
 */
function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replaceAll('\0', '\u2400');
}

/** A run under way in this process, as /status and the not-ready answers describe it. */
export interface ActiveRun {
  runId: number;
  trigger: string;
  startedAt: Date;
  /** Undefined until its first stage starts. */
  stage?: string;
}

/** Where a run records itself; the runs repository on the connection that holds the lock. */
export interface RunRecorder {
  save(run: RunProgress): Promise<void>;
}

/** Why a run was cancelled, from its signal's reason (the stopping process names its signal). */
function cancellation(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? 'cancelled');
}

/**
 * Runs `stages` in order over one run state and reports each: a failed stage fails the run and
 * skips the rest, a stage's `finish` ends it early as a success, and `finish` (the stages' own
 * cleanup, which rolls back a batch not yet committed) runs whatever happened. Once the run's
 * signal is aborted, the stage under way (whose long work ends with it) and the run are
 * `cancelled`, and no further stage starts. Free of the database, so it is tested alone.
 */
export async function executeStages(
  stages: readonly Stage[],
  state: RunState,
  recorder: RunRecorder,
  cleanUp: (state: RunState) => Promise<void>,
  logger: Pick<Logger, 'log' | 'warn' | 'error'>,
): Promise<RunOutcome> {
  const records: StageRecord[] = [];
  /** What the run row records now. */
  const snapshot = (status: RunProgress['status'], summary: string | null, error: string | null) => ({
    status,
    stages: records,
    summary,
    error,
    batchId: state.batchId,
    dataVersion: state.dataVersion,
    drift: state.drift,
  });
  let summary: string | null = null;
  let failure: string | null = null;
  let cancelled = false;
  const cancel = (record: StageRecord, signal: AbortSignal) => {
    cancelled = true;
    record.status = 'cancelled';
    record.error = cancellation(signal);
    failure = `cancelled in stage ${record.name}: ${record.error}`;
  };
  for (const stage of stages) {
    const record: StageRecord = { name: stage.name, status: 'running', startedAt: new Date().toISOString() };
    records.push(record);
    if (state.signal?.aborted) {
      cancel(record, state.signal);
      record.seconds = 0;
      state.progress?.stageFinished?.(stage.name, { status: 'cancelled', seconds: 0, error: record.error });
      break;
    }
    await recorder.save(snapshot('running', null, null)).catch(() => undefined);
    const started = performance.now();
    const skipped = stage.skip?.(state);
    if (skipped !== undefined) {
      Object.assign(record, { status: 'skipped', seconds: 0, detail: { reason: skipped } });
      state.progress?.stageFinished?.(stage.name, { status: 'skipped', seconds: 0 });
      continue;
    }
    state.stage = stage.name;
    state.progress?.stageStarted?.(stage.name);
    let outcome: StageOutcome['status'];
    try {
      const result = await stage.run(state);
      outcome = result.skipped === undefined ? 'succeeded' : 'skipped';
      if (result.rows !== undefined) record.rows = result.rows;
      if (result.detail !== undefined) record.detail = result.detail;
      if (result.skipped !== undefined) record.detail = { reason: result.skipped, ...result.detail };
      if (result.finish !== undefined) summary = result.finish;
    } catch (error) {
      if (state.signal?.aborted) {
        cancel(record, state.signal);
        outcome = 'cancelled';
      } else {
        outcome = 'failed';
        record.error = errorMessage(error);
        failure = `stage ${stage.name} failed: ${record.error}`;
      }
    }
    record.status = outcome;
    record.seconds = Math.round(performance.now() - started) / 1000;
    state.progress?.stageFinished?.(stage.name, {
      status: outcome,
      seconds: record.seconds,
      rows: record.rows,
      error: record.error,
    });
    logger.log(
      {
        runId: state.runId,
        stage: stage.name,
        status: record.status,
        seconds: record.seconds,
        rows: record.rows,
      },
      `stage ${stage.name} ${record.status}`,
    );
    if (failure !== null || summary !== null) break;
  }
  for (const remaining of stages.slice(records.length)) {
    records.push({ name: remaining.name, status: 'skipped', startedAt: new Date().toISOString() });
  }
  await cleanUp(state).catch((error) =>
    logger.error({ runId: state.runId, err: error }, `cleanup failed: ${errorMessage(error)}`),
  );
  const status = cancelled ? 'cancelled' : failure === null ? 'succeeded' : 'failed';
  summary ??= failure === null ? 'completed' : null;
  await recorder.save(snapshot(status, summary, failure)).catch(async (error) => {
    logger.error(
      { runId: state.runId, err: error },
      `could not record the end of run ${state.runId}: ${errorMessage(error)}`,
    );
    // A run left `running` would read as still going: record at least its outcome and error.
    await recorder
      .save({
        status,
        stages: [],
        summary,
        error: failure ?? `the run's record could not be saved: ${errorMessage(error)}`,
      })
      .catch(() => undefined);
  });
  if (failure === null)
    logger.log({ runId: state.runId, summary }, `pipeline run ${state.runId} succeeded: ${summary}`);
  else if (cancelled)
    logger.warn(
      { runId: state.runId },
      `pipeline run ${state.runId} ${failure}; a later run picks the work up`,
    );
  else logger.error({ runId: state.runId }, `pipeline run ${state.runId} failed: ${failure}`);
  return { status, summary, error: failure };
}

/**
 * Starts runs under the cross-process lock and records them. A failed stage fails the run: the
 * batch transaction is rolled back, so the data stays as it was.
 */
@Injectable()
export class PipelineRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PipelineRunner.name);
  /** The runs this process executes, each with what cancels it. */
  private readonly active = new Map<
    number,
    { stop: AbortController; done: Promise<RunOutcome>; state: RunState; startedAt: Date }
  >();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stages: PipelineStages,
    private readonly runs: PipelineRunsRepository,
  ) {}

  /**
   * Takes the cross-process lock and records the run, then executes it in the background.
   * Throws PipelineBusyError when another run is active; returns null when a replica already
   * took this cron tick.
   */
  async start(options: RunOptions): Promise<StartedRun | null> {
    const stages = this.stages.upTo(options.until);
    const held = await holdClient(this.dataSource);
    const lockClient = held.client;
    let locked = false;
    try {
      const { rows } = await lockClient.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [PIPELINE_LOCK_KEY],
      );
      locked = rows[0]?.locked === true;
      if (!locked) throw new PipelineBusyError(await this.runs.activeRunId(lockClient));
      // Holding the lock, any run still marked running belongs to a process that died.
      await this.runs.markInterrupted(lockClient);
      const runId = await this.runs.insert(lockClient, options.trigger, options.scheduledFor, RUNNER_NAME);
      if (runId === undefined) {
        await this.unlock(lockClient);
        await held.release();
        return null;
      }
      this.logger.log({ runId, trigger: options.trigger }, 'pipeline run started');
      const stop = new AbortController();
      const state: RunState = {
        runId,
        options,
        signal: stop.signal,
        progress:
          options.progress ??
          loggingProgress((fields, message) => this.logger.log({ runId, ...fields }, message)),
      };
      const recorder = { save: (run: RunProgress) => this.runs.save(lockClient, runId, run) };
      const done = executeStages(stages, state, recorder, (s) => this.stages.finish(s), this.logger).finally(
        async () => {
          this.active.delete(runId);
          await this.unlock(lockClient);
          await held.release();
        },
      );
      this.active.set(runId, { stop, done, state, startedAt: new Date() });
      return { runId, done };
    } catch (error) {
      if (locked) await this.unlock(lockClient);
      await held.release();
      throw error;
    }
  }

  /**
   * At start, runs left `running` by a process that died are marked interrupted, so the history
   * does not show them running until the next run. Able to take the pipeline lock, no live process
   * is running one: all of them are. Otherwise only those of this host's dead runners are, so a
   * live process's run is never relabelled.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const marked = await this.markInterruptedRuns();
      if (marked.length > 0)
        this.logger.warn(
          { runIds: marked },
          `marked ${marked.length} run(s) of stopped processes interrupted`,
        );
    } catch (error) {
      // 42P01: no pipeline_runs table yet (`db migrate` on an empty database): no run to mark.
      if ((error as { code?: string }).code === '42P01') return;
      this.logger.warn(`could not check for interrupted runs: ${errorMessage(error)}`);
    }
  }

  async markInterruptedRuns(): Promise<number[]> {
    const held = await holdClient(this.dataSource);
    try {
      const { rows } = await held.client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [PIPELINE_LOCK_KEY],
      );
      if (rows[0]?.locked) {
        try {
          return await this.runs.markInterrupted(held.client);
        } finally {
          await this.unlock(held.client);
        }
      }
      const dead = (await this.runs.runningRunners(held.client)).filter(deadOnThisHost);
      return dead.length === 0 ? [] : await this.runs.markInterrupted(held.client, dead);
    } finally {
      await held.release();
    }
  }

  /** The run this process executes now, if any: which, since when, and at which stage. */
  current(): ActiveRun | undefined {
    const [run] = this.active.values();
    return (
      run && {
        runId: run.state.runId,
        trigger: run.state.options.trigger,
        startedAt: run.startedAt,
        stage: run.state.stage,
      }
    );
  }

  /**
   * A stopping process cancels its runs rather than wait for them (a training takes minutes; an
   * orchestrator's grace period is seconds): each ends at its next safe point, what its stage had
   * not committed is rolled back, and the run is recorded `cancelled`. This happens before the
   * connections close, so the record is written.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.active.size === 0) return;
    const reason = new Error(`the process is stopping${signal ? ` (${signal})` : ''}`);
    for (const [runId, run] of this.active) {
      this.logger.warn({ runId }, `cancelling pipeline run ${runId}: ${reason.message}`);
      run.stop.abort(reason);
    }
    await Promise.all([...this.active.values()].map((run) => run.done));
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
}
