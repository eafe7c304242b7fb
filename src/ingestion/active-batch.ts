import type { MoviesRepository } from '../catalog/movies.repository.js';
import { inTransaction } from '../database/pool-client.js';
import type { StagedBatch } from '../validation/validate.stage.js';
import type { ValidationReport } from '../validation/validation-report.js';
import type { ValidationRepository } from '../validation/validation.repository.js';
import type { DataSource } from 'typeorm';
import { quarantineCounts, quarantineStagedRatings } from './batch-staging.js';
import type { BatchTransaction } from './batch-transaction.js';
import type { BatchesRepository, BatchRecord } from './batches.repository.js';

/** What the ingest stage learnt about a batch before it is recorded. */
export interface PendingBatch extends BatchRecord {
  fileLabel: string;
  /** Rows of this batch read from the source, good and bad. */
  rowsRead: number;
  moviesRows: number;
}

interface Owners {
  dataSource: DataSource;
  catalog: MoviesRepository;
  batches: BatchesRepository;
  validation: ValidationRepository;
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
    await quarantineStagedRatings(this.transaction.client, this.owners.catalog, this.pending.fileLabel);
  }

  /**
   * Records the batch as rejected, with its report and quarantined rows, in a transaction of its
   * own (the quarantined rows streamed across from the batch's staging), then undoes the batch.
   * Returns the id of the rejected batch as recorded.
   */
  async reject(report: ValidationReport): Promise<number> {
    try {
      return await inTransaction(this.owners.dataSource, async (client) => {
        const id = await this.owners.batches.insert(client, this.pending, this.runId, {
          quarantinedRows: report.rowsQuarantined,
        });
        await this.owners.validation.recordReport(client, id, report);
        await this.owners.validation.copyStagedQuarantine(this.transaction.client, client, id);
        return id;
      });
    } finally {
      await this.transaction.rollback();
    }
  }
}
