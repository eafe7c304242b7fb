import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { StageReport } from '../common/stage-report.js';
import { buildValidationReport, type ValidationReport } from './validation-report.js';

/**
 * What validate needs of the batch being applied. The batch's owner (ingestion) runs the checks
 * that need its staged rows and the catalog, and records a rejection; validation decides.
 */
export interface StagedBatch {
  /** Rows of the batch read from its source, good and bad. */
  readonly rowsRead: number;
  /** Rows quarantined so far, by the check they failed. */
  quarantineCounts(): Promise<Record<string, number>>;
  /** Moves staged rows of movies not in the catalog, and superseded duplicates, to the quarantine. */
  checkStagedRows(): Promise<void>;
  /** Undoes the batch and records it as rejected, with its report and quarantined rows; its id. */
  reject(report: ValidationReport): Promise<number>;
}

export class BatchRejectedError extends Error {
  override name = 'BatchRejectedError';
  constructor(
    message: string,
    /** The rejected batch as recorded, with its report and quarantined rows. */
    readonly batchId: number,
  ) {
    super(message);
  }
}

/**
 * validate: the catalog and duplicate checks on the staged rows, then the batch-level bad-row
 * share. Over the threshold the batch is rejected: nothing of it is applied, and the rejection
 * is recorded with its report.
 */
@Injectable()
export class ValidateStage {
  constructor(private readonly config: AppConfig) {}

  async run(batch: StagedBatch): Promise<{ report: ValidationReport; stage: StageReport }> {
    await batch.checkStagedRows();
    const report = buildValidationReport(
      batch.rowsRead,
      await batch.quarantineCounts(),
      this.config.validation.maxBadRowShare,
    );
    if (!report.passed) {
      const batchId = await batch.reject(report);
      throw new BatchRejectedError(
        `batch rejected: ${report.rowsQuarantined} of ${report.rowsRead} rows failed validation ` +
          `(${(report.badRowShare * 100).toFixed(1)}% > ${(report.threshold * 100).toFixed(1)}%); nothing was applied`,
        batchId,
      );
    }
    return {
      report,
      stage: {
        rows: report.rowsAccepted,
        detail: { quarantined: report.rowsQuarantined, badRowShare: report.badRowShare },
      },
    };
  }
}
