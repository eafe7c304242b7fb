import type { ProgressReporter } from '../common/progress.js';
import type { DriftReport } from '../drift/drift.service.js';
import type { EvaluationOutcome } from '../evaluation/evaluation-job.js';
import type { ActiveBatch } from '../ingestion/active-batch.js';
import type { TrainingData } from '../training/train.stage.js';
import type { FitResult } from '../training/training-job.js';
import type { ValidationReport } from '../validation/validation-report.js';
import type { RunOptions } from './pipeline.types.js';

/**
 * What the stages of one run hand each other, each field filled by the stage named beside it.
 * A stage reads earlier fields through `need`, so a stage run out of order fails clearly.
 */
export interface RunState {
  readonly runId: number;
  readonly options: RunOptions;
  readonly progress: ProgressReporter;
  /** Aborted when the process stops: long stages end their work at once (see executeStages). */
  readonly signal?: AbortSignal;
  /** The stage under way, for /status and the answers of a service with no model yet. */
  stage?: string;
  /** ingest: the batch being applied, in its open transaction. */
  batch?: ActiveBatch;
  /** validate */
  validation?: ValidationReport;
  /** drift */
  drift?: DriftReport;
  /** transform: the data version the batch became. */
  dataVersion?: number;
  /** train */
  training?: TrainingData;
  fitted?: FitResult;
  /** evaluate */
  evaluation?: EvaluationOutcome;
  /** register */
  candidateId?: number;
  /** promote: the version the candidate replaced, for deploy to roll back to. */
  replacedId?: number;
  /** ingest or transform: no new data, but the newest data version has no model: train it. */
  retrainDataVersion?: number;
  /** Recorded on the run row: the batch the run stored (applied or rejected). */
  batchId?: number;
}

export function need<K extends keyof RunState>(state: RunState, key: K): NonNullable<RunState[K]> {
  const value = state[key];
  if (value === undefined || value === null) {
    throw new Error(`no ${String(key)} in this run: an earlier stage must run first`);
  }
  return value as NonNullable<RunState[K]>;
}
