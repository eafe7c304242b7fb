import { Injectable, Logger } from '@nestjs/common';
import { MoviesRepository } from '../catalog/movies.repository.js';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import type { ValidationReport } from '../validation/validation-report.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import type { ActiveBatch } from './active-batch.js';
import { applyStagedRatings } from './batch-staging.js';
import { BatchesRepository } from './batches.repository.js';

/** transform: merges the staged ratings, assigns the next data version and commits the batch. */
@Injectable()
export class TransformStage {
  private readonly logger = new Logger('TransformStage');

  constructor(
    private readonly catalog: MoviesRepository,
    private readonly batches: BatchesRepository,
    private readonly validation: ValidationRepository,
    private readonly config: AppConfig,
  ) {}

  /** The data version the batch became, or none when it changed nothing (rolled back). */
  async run(
    batch: ActiveBatch,
    report: ValidationReport,
  ): Promise<{ dataVersion?: number; stage: StageReport }> {
    const { transaction, pending } = batch;
    const client = transaction.client;
    const applied = await applyStagedRatings(client, this.catalog, batch.id, this.config.feedback);
    const deferred = {
      feedbackDeferred: applied.feedbackDeferredRows,
      feedbackDeferredNewUsers: applied.feedbackDeferredNewUsers,
    };
    if (applied.feedbackDeferredRows > 0) {
      this.logger.warn(
        { runId: batch.runId, batchId: batch.id, ...deferred },
        `feedback over the per-run caps (FEEDBACK_MAX_ROWS_PER_RUN=${this.config.feedback.maxRowsPerRun}, ` +
          `FEEDBACK_MAX_NEW_USERS_PER_RUN=${this.config.feedback.maxNewUsersPerRun}): ` +
          `${applied.feedbackDeferredRows} rating(s) of which ${applied.feedbackDeferredNewUsers} new user(s) wait for the next run`,
      );
    }
    if (applied.ratingsRows === 0 && applied.feedbackRows === 0 && pending.moviesRows === 0) {
      await transaction.rollback();
      const waiting =
        applied.feedbackDeferredRows > 0
          ? `; ${applied.feedbackDeferredRows} feedback rating(s) over the per-run caps wait for the next run`
          : '';
      return {
        stage: {
          rows: 0,
          detail: applied.feedbackDeferredRows > 0 ? deferred : undefined,
          finish: `no new data: every rating of the batch was already applied${waiting}`,
        },
      };
    }
    const version = await this.batches.markApplied(client, batch.id, {
      moviesRows: pending.moviesRows,
      ratingsRows: applied.ratingsRows,
      feedbackRows: applied.feedbackRows,
      quarantinedRows: report.rowsQuarantined,
      seconds: (Date.now() - pending.startedAt) / 1000,
    });
    await this.validation.record(client, batch.id, report, this.config.validation.quarantineMaxRowsPerBatch);
    await transaction.commit(async (committed) => {
      // Fresh statistics, so the planner sees the new row counts. The batch is committed by now:
      // a failure here is only worth a warning.
      await committed
        .query('ANALYZE ratings')
        .then(() => this.catalog.analyze(committed))
        .catch((error: Error) =>
          this.logger.warn(`ANALYZE after batch ${batch.id} failed: ${error.message}`),
        );
    });
    this.logger.log({ runId: batch.runId, batchId: batch.id, version, ...applied }, 'batch applied');
    return {
      dataVersion: version,
      stage: {
        rows: applied.ratingsRows + applied.feedbackRows,
        detail: {
          dataVersion: version,
          ratings: applied.ratingsRows,
          feedback: applied.feedbackRows,
          feedbackNewUsers: applied.feedbackNewUsers,
          ...deferred,
        },
      },
    };
  }
}
