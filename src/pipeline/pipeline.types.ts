import type { ProgressReporter } from '../common/progress.js';
import type { DataSourceRequest } from '../ingestion/ingest.stage.js';

type Trigger = 'schedule' | 'manual' | 'cli' | 'startup' | 'upload';

export interface RunOptions {
  trigger: Trigger;
  source?: DataSourceRequest;
  /** Stop after this stage (e.g. `ingest --next` stops after transform). */
  until?: string;
  /** The cron tick a scheduled run belongs to; one run per tick across replicas. */
  scheduledFor?: Date;
  progress?: ProgressReporter;
  /** Train even when no new data arrived and the newest data already has a model (`--retrain`). */
  retrain?: boolean;
}

/** A run's state on its row: `cancelled` when the process stopped it (see executeStages). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface StageRecord {
  name: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  startedAt: string;
  seconds?: number;
  rows?: number;
  detail?: Record<string, unknown>;
  error?: string;
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
