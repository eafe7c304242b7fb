import type { ProgressReporter } from '../ingestion/progress.js';

export const TRIGGERS = ['schedule', 'manual', 'cli', 'startup', 'upload'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Where a run's data comes from: the next replay period, the whole dataset, or an uploaded CSV. */
export type DataSourceRequest =
  { kind: 'replay' } | { kind: 'full' } | { kind: 'upload'; file: string; name: string };

export interface RunOptions {
  trigger: Trigger;
  source?: DataSourceRequest;
  /** Stop after this stage (e.g. `ingest --next` stops after transform). */
  until?: string;
  /** The cron tick a scheduled run belongs to; one run per tick across replicas. */
  scheduledFor?: Date;
  progress?: ProgressReporter;
}

export interface StageRecord {
  name: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  startedAt: string;
  seconds?: number;
  rows?: number;
  detail?: Record<string, unknown>;
  error?: string;
}

export interface StageResult {
  rows?: number;
  detail?: Record<string, unknown>;
  /** Ends the run successfully after this stage, e.g. when no new data arrived. */
  finish?: string;
}

/** Shared state of one run; stages leave what later stages need here. */
export interface RunContext {
  readonly runId: number;
  readonly options: RunOptions;
  /** Stage outputs by name, for later stages (e.g. the batch that transform applied). */
  readonly outputs: Map<string, unknown>;
  /** Called when the run ends, whatever the outcome (e.g. to roll back an open transaction). */
  onFinish(cleanup: (failed: boolean) => Promise<void>): void;
  /** Facts recorded on the run row (batch id, data version, drift). */
  record(fields: { batchId?: number; dataVersion?: number; drift?: unknown }): void;
}

/** What an earlier stage of the run left under `key`; a stage run out of order fails clearly. */
export function stageOutput<T>(context: RunContext, key: string): T {
  const value = context.outputs.get(key) as T | undefined;
  if (value === undefined) throw new Error(`no ${key} in this run: an earlier stage must run first`);
  return value;
}

export interface PipelineStage {
  readonly name: string;
  /** Position in the run: data stages 10–40, model stages from 50. */
  readonly order: number;
  run(context: RunContext): Promise<StageResult | void>;
}

export class PipelineBusyError extends Error {
  override name = 'PipelineBusyError';
  constructor(readonly activeRunId: number | null) {
    super(
      activeRunId === null
        ? 'a pipeline run is already active'
        : `pipeline run ${activeRunId} is active; wait for it to finish`,
    );
  }
}
