import type { PoolClient } from 'pg';
import type { Quarantined } from './batch-staging.js';

export type BatchKind = 'full' | 'initial' | 'period' | 'upload' | 'feedback';

/**
 * A batch being applied by a pipeline run: the open transaction and what the data stages learnt
 * about it. Nothing is visible to others until transform commits.
 */
export interface ActiveBatch {
  client: PoolClient;
  id: number;
  kind: BatchKind;
  source: string;
  checksum: string;
  period?: { label: string; start?: Date; end: Date };
  fileLabel: string;
  /** Rows of this batch read from the source, good and bad. */
  rowsRead: number;
  quarantine: Quarantined[];
  moviesRows: number;
  startedAt: number;
}

export const ACTIVE_BATCH = 'batch';
