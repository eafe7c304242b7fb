import type { MoviesRepository } from '../catalog/movies.repository.js';
import { inTransaction } from '../database/pool-client.js';
import type { StagedBatch } from '../validation/validate.stage.js';
import type { ValidationReport } from '../validation/validation-report.js';
import type { ValidationRepository } from '../validation/validation.repository.js';
import type { DataSource } from 'typeorm';
import { quarantineCounts, quarantineStagedRatings } from './batch-staging.js';
import type { BatchTransaction } from './batch-transaction.js';
import type { BatchesRepository, BatchRecord } from './batches.repository.js';
import type { StagedKeysSummary } from './staged-keys.js';

/** What the ingest stage learnt about a batch before it is recorded. */
export interface PendingBatch extends BatchRecord {
  fileLabel: string;
  /** Rows of this batch read from the source, good and bad. */
  rowsRead: number;
  moviesRows: number;
  /** What the reader learnt about the staged ratings' keys; none when nothing was read. */
  stagedKeys?: StagedKeysSummary;
}

interface Owners {
  dataSource: DataSource;
  catalog: MoviesRepository;
  batches: BatchesRepository;
  validation: ValidationRepository;
  /** QUARANTINE_MAX_ROWS_PER_BATCH: the quarantined rows a batch stores; the rest are counted. */
  quarantineMaxRows: number;
}

/**
 * A batch being applied by a pipeline run: its open transaction and what the data stages learnt
 * about it. Nothing is visible to others until transform commits.
 */
export class ActiveBatch implements StagedBatch {
  constructor(
    readonly transaction: BatchTransaction,
    readonly id: number,
    readonly runId: number,
    readonly pending: PendingBatch,
    private readonly owners: Owners,
  ) {}

  get rowsRead(): number {
    return this.pending.rowsRead;
  }

  quarantineCounts(): Promise<Record<string, number>> {
    return quarantineCounts(this.transaction.client);
  }

  async checkStagedRows(): Promise<void> {
    await quarantineStagedRatings(
      this.transaction.client,
      this.owners.catalog,
      this.pending.fileLabel,
      this.pending.stagedKeys,
    );
  }

  /**
   * Records the batch as rejected, with its report and quarantined rows, and undoes the rest of it;
   * returns its id. When the batch changed no movie, nothing of it but its own row is applied yet:
   * the rejection is recorded in its transaction, under the id it has had since ingest, the
   * quarantined rows moved by the database itself. Otherwise the batch is rolled back and the
   * rejection recorded in a transaction of its own, the quarantined rows streamed across first.
   */
  async reject(report: ValidationReport): Promise<number> {
    const seconds = (Date.now() - this.pending.startedAt) / 1000;
    if (this.pending.moviesRows === 0) {
      const client = this.transaction.client;
      try {
        await this.owners.batches.markRejected(client, this.id, report.rowsQuarantined, seconds);
        await this.owners.validation.record(client, this.id, report, this.owners.quarantineMaxRows);
        await this.transaction.commit();
      } finally {
        await this.transaction.rollback();
      }
      return this.id;
    }
    try {
      return await inTransaction(this.owners.dataSource, async (client) => {
        const id = await this.owners.batches.insert(client, this.pending, this.runId, {
          quarantinedRows: report.rowsQuarantined,
        });
        await this.owners.validation.recordReport(client, id, report);
        await this.owners.validation.copyStagedQuarantine(
          this.transaction.client,
          client,
          id,
          this.owners.quarantineMaxRows,
        );
        return id;
      });
    } finally {
      await this.transaction.rollback();
    }
  }
}
