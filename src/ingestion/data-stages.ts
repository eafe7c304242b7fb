import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DATA_CHANNEL } from '../database/channels.js';
import { PipelineRegistry } from '../pipeline/pipeline-registry.js';
import {
  type PipelineStage,
  type RunContext,
  type StageResult,
  stageOutput,
} from '../pipeline/pipeline.types.js';
import { buildValidationReport, type ValidationReport } from '../validation/validation-report.js';
import { ACTIVE_BATCH, type ActiveBatch, type BatchKind } from './active-batch.js';
import {
  applyStagedRatings,
  createStagingTables,
  cutStagedAt,
  earliestStagedMoment,
  quarantineStagedRatings,
  type Quarantined,
  stageRatings,
  upsertMovies,
  writeQuarantine,
} from './batch-staging.js';
import { DriftService } from '../monitoring/drift.service.js';
import { IngestionService } from './ingestion.service.js';
import { checksumFiles } from './movielens-source.js';
import { initialLoadEnd, periodContaining } from './periods.js';
import { loggingProgress, type ProgressReporter } from './progress.js';

/** Serialises data loads with anything else that writes batches. */
export const INGEST_LOCK_KEY = 'movie-reco:ingest';

export class BatchRejectedError extends Error {
  override name = 'BatchRejectedError';
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

type PendingBatch = Omit<ActiveBatch, 'id'>;
interface Staging {
  client: PoolClient;
  progress: ProgressReporter;
  nowSeconds: number;
}

/**
 * ingest: reads the next slice of data (next replay period, the whole dataset, or an upload)
 * into staging tables inside a new transaction; bad rows go to the quarantine list.
 */
@Injectable()
export class IngestStage implements PipelineStage {
  readonly name = 'ingest';
  readonly order = 10;
  private readonly logger = new Logger('IngestStage');

  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const request = context.options.source ?? { kind: 'replay' };
    const client = await this.openTransaction(context);
    const progress =
      context.options.progress ??
      loggingProgress((fields, message) => this.logger.log({ runId: context.runId, ...fields }, message));
    const staging = { client, progress, nowSeconds: Math.floor(Date.now() / 1000) };
    const batch =
      request.kind === 'upload'
        ? await this.stageUpload(staging, request.file, request.name)
        : await this.stageMovieLens(staging, request.kind);

    const pendingFeedback = await this.pendingFeedback(client);
    if (batch.rowsRead === 0 && pendingFeedback === 0) {
      const why = request.kind === 'replay' ? 'the replay source is exhausted' : 'the source is empty';
      return { rows: 0, finish: `no new data: ${why}` };
    }
    if (batch.rowsRead === 0) {
      Object.assign(batch, { kind: 'feedback', source: 'feedback', checksum: `feedback:${context.runId}` });
    }
    const duplicate = await client.query<{ id: number }>(
      `SELECT id FROM data_batches WHERE status = 'applied' AND source = $1 AND (checksum = $2 OR period = $3)`,
      [batch.source, batch.checksum, batch.period?.label ?? null],
    );
    const alreadyApplied = duplicate.rows[0]?.id;
    if (alreadyApplied !== undefined && pendingFeedback === 0) {
      return { rows: 0, finish: `no new data: already applied as batch ${alreadyApplied}` };
    }
    // Data applied before, with feedback waiting: the batch carries only the feedback.
    if (alreadyApplied !== undefined) {
      Object.assign(batch, { checksum: `${batch.checksum}:feedback:${context.runId}`, period: undefined });
    }
    const active: ActiveBatch = { ...batch, id: await insertBatchRow(client, batch, context.runId) };
    context.outputs.set(ACTIVE_BATCH, active);
    context.record({ batchId: active.id });
    return {
      rows: active.rowsRead,
      detail: { batchId: active.id, kind: active.kind, period: active.period?.label, pendingFeedback },
    };
  }

  /** One transaction for the whole batch, rolled back at the end of the run unless committed. */
  private async openTransaction(context: RunContext): Promise<PoolClient> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let open = true;
    context.onFinish(async () => {
      if (!open) return;
      open = false;
      await client.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    });
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [INGEST_LOCK_KEY]);
    await createStagingTables(client);
    return client;
  }

  private async stageUpload(staging: Staging, file: string, name: string): Promise<PendingBatch> {
    const batch = this.newBatch(
      staging.client,
      'upload',
      `upload:${name}`,
      await checksumFiles([file]),
      name,
    );
    batch.rowsRead = await stageRatings(
      staging.client,
      file,
      name,
      {
        includeMomentless: true,
        requireHeader: true,
        progress: staging.progress,
        nowSeconds: staging.nowSeconds,
      },
      batch.quarantine,
    );
    return batch;
  }

  /**
   * The whole dataset, or the next replay period: the first time every period up to the start
   * year (with the rows no period can hold), then the first period with ratings after the last.
   */
  private async stageMovieLens(staging: Staging, request: 'replay' | 'full'): Promise<PendingBatch> {
    const { client, progress, nowSeconds } = staging;
    const files = await this.ingestion.resolveSource();
    const source = `movielens:${files.name}`;
    const fileChecksum = await checksumFiles([files.moviesCsv, files.ratingsCsv]);
    const lastEnd = await this.lastReplayedEnd(client, source);
    const kind: BatchKind = request === 'full' ? 'full' : lastEnd === undefined ? 'initial' : 'period';
    const batch = this.newBatch(client, kind, source, fileChecksum, 'ratings.csv');

    // The catalog comes first: ratings are checked against it. Its bad rows belong to the first batch.
    const movieQuarantine: Quarantined[] = [];
    batch.moviesRows = await upsertMovies(client, files.moviesCsv, movieQuarantine);
    if (kind !== 'period') {
      batch.quarantine.push(...movieQuarantine);
      batch.rowsRead += movieQuarantine.length;
    }
    batch.rowsRead += await stageRatings(
      client,
      files.ratingsCsv,
      'ratings.csv',
      {
        fromSeconds: kind === 'period' ? seconds(lastEnd!) : undefined,
        includeMomentless: kind !== 'period',
        requireHeader: false,
        progress,
        nowSeconds,
      },
      batch.quarantine,
    );
    if (kind === 'initial') {
      const end = initialLoadEnd(this.config.replay.startYear);
      batch.rowsRead -= await cutStagedAt(client, seconds(end), batch.quarantine);
      batch.period = { label: `up to ${this.config.replay.startYear}`, end };
    } else if (kind === 'period') {
      const earliest = await earliestStagedMoment(client, batch.quarantine);
      if (earliest !== undefined) {
        const period = periodContaining(this.config.replay.period, new Date(earliest * 1000));
        batch.rowsRead -= await cutStagedAt(client, seconds(period.end), batch.quarantine);
        batch.period = period;
      }
    }
    if (batch.period) batch.checksum = `${fileChecksum}:${batch.period.label}`;
    return batch;
  }

  private newBatch(
    client: PoolClient,
    kind: BatchKind,
    source: string,
    checksum: string,
    fileLabel: string,
  ): PendingBatch {
    return {
      client,
      kind,
      source,
      checksum,
      fileLabel,
      quarantine: [],
      moviesRows: 0,
      rowsRead: 0,
      startedAt: Date.now(),
    };
  }

  private async lastReplayedEnd(client: PoolClient, source: string): Promise<Date | undefined> {
    const { rows } = await client.query<{ end: Date | null }>(
      `SELECT max(period_end) AS end FROM data_batches
       WHERE status = 'applied' AND source = $1 AND kind IN ('initial', 'period')`,
      [source],
    );
    return rows[0]?.end ?? undefined;
  }

  private async pendingFeedback(client: PoolClient): Promise<number> {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*) FROM ratings WHERE batch_id IS NULL',
    );
    return Number(rows[0]?.count ?? 0);
  }
}

/**
 * validate: catalog and duplicate checks on the staged rows, then the batch-level bad-row share.
 * Over the threshold the batch is rejected: its transaction rolls back and the rejection is
 * recorded (batch, report and quarantined rows) on its own.
 */
@Injectable()
export class ValidateStage implements PipelineStage {
  readonly name = 'validate';
  readonly order = 20;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const batch = stageOutput<ActiveBatch>(context, ACTIVE_BATCH);
    await quarantineStagedRatings(batch.client, batch.fileLabel, batch.quarantine);
    const report = buildValidationReport(
      batch.rowsRead,
      batch.quarantine.map((row) => row.check),
      this.config.validation.maxBadRowShare,
    );
    context.outputs.set('validation', report);
    if (!report.passed) {
      await batch.client.query('ROLLBACK');
      await this.recordRejection(batch, report, context.runId);
      context.record({ batchId: undefined });
      throw new BatchRejectedError(
        `batch rejected: ${report.rowsQuarantined} of ${report.rowsRead} rows failed validation ` +
          `(${(report.badRowShare * 100).toFixed(1)}% > ${(report.threshold * 100).toFixed(1)}%); nothing was applied`,
      );
    }
    return {
      rows: report.rowsAccepted,
      detail: { quarantined: report.rowsQuarantined, badRowShare: report.badRowShare },
    };
  }

  private async recordRejection(batch: ActiveBatch, report: ValidationReport, runId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const client = (manager.queryRunner as unknown as { databaseConnection: PoolClient })
        .databaseConnection;
      const batchId = await insertBatchRow(client, batch, runId, { quarantinedRows: report.rowsQuarantined });
      await insertReport(client, batchId, report);
      await writeQuarantine(client, batchId, batch.quarantine);
    });
  }
}

/** Records a batch: applied (the version comes at commit) or, given a rejection, rejected. */
async function insertBatchRow(
  client: PoolClient,
  batch: PendingBatch,
  runId: number,
  rejection?: { quarantinedRows: number },
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO data_batches (source, checksum, kind, status, period, period_start, period_end, pipeline_run_id,
                               quarantined_rows, seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      batch.source,
      batch.checksum,
      batch.kind,
      rejection ? 'rejected' : 'applied',
      batch.period?.label ?? null,
      batch.period?.start ?? null,
      batch.period?.end ?? null,
      runId,
      rejection?.quarantinedRows ?? 0,
      rejection ? (Date.now() - batch.startedAt) / 1000 : 0,
    ],
  );
  return rows[0]!.id;
}

async function insertReport(client: PoolClient, batchId: number, report: ValidationReport): Promise<void> {
  await client.query(
    `INSERT INTO validation_reports (batch_id, passed, rows_read, rows_accepted, rows_quarantined, bad_row_share, threshold, checks)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      batchId,
      report.passed,
      report.rowsRead,
      report.rowsAccepted,
      report.rowsQuarantined,
      report.badRowShare,
      report.threshold,
      JSON.stringify(report.checks),
    ],
  );
}

/** drift: how the batch's ratings differ from the data already applied (kept with the run). */
@Injectable()
export class DriftStage implements PipelineStage {
  readonly name = 'drift';
  readonly order = 30;

  constructor(private readonly drift: DriftService) {}

  async run(context: RunContext): Promise<StageResult> {
    const batch = stageOutput<ActiveBatch>(context, ACTIVE_BATCH);
    const report = await this.drift.measure(batch.client);
    context.record({ drift: report });
    return { detail: { ...report.measures, drifted: report.drifted } };
  }
}

/** transform: merges the staged ratings, assigns the next data version and commits. */
@Injectable()
export class TransformStage implements PipelineStage {
  readonly name = 'transform';
  readonly order = 40;
  private readonly logger = new Logger('TransformStage');

  async run(context: RunContext): Promise<StageResult> {
    const batch = stageOutput<ActiveBatch>(context, ACTIVE_BATCH);
    const { client } = batch;
    const report = stageOutput<ValidationReport>(context, 'validation');
    const applied = await applyStagedRatings(client, batch.id);
    if (applied.ratingsRows === 0 && applied.feedbackRows === 0 && batch.moviesRows === 0) {
      await client.query('ROLLBACK');
      context.record({ batchId: undefined });
      return { rows: 0, finish: 'no new data: every rating of the batch was already applied' };
    }
    const { rows } = await client.query<{ version: number }>(
      `UPDATE data_batches SET version = (SELECT coalesce(max(version), 0) + 1 FROM data_batches),
         movies_rows = $2, ratings_rows = $3, feedback_rows = $4, quarantined_rows = $5, seconds = $6
       WHERE id = $1 RETURNING version`,
      [
        batch.id,
        batch.moviesRows,
        applied.ratingsRows,
        applied.feedbackRows,
        batch.quarantine.length,
        (Date.now() - batch.startedAt) / 1000,
      ],
    );
    await insertReport(client, batch.id, report);
    await writeQuarantine(client, batch.id, batch.quarantine);
    // Delivered on commit: serving processes learn which ratings their model has not seen.
    await client.query('SELECT pg_notify($1, $2)', [DATA_CHANNEL, String(rows[0]!.version)]);
    await client.query('COMMIT');
    // Fresh statistics, so the planner sees the new row counts. The batch is committed by now:
    // a failure here is only worth a warning.
    await client
      .query('ANALYZE movies, ratings')
      .catch((error: Error) => this.logger.warn(`ANALYZE after batch ${batch.id} failed: ${error.message}`));
    const version = rows[0]!.version;
    context.record({ batchId: batch.id, dataVersion: version });
    this.logger.log({ runId: context.runId, batchId: batch.id, version, ...applied }, 'batch applied');
    return {
      rows: applied.ratingsRows + applied.feedbackRows,
      detail: { dataVersion: version, ratings: applied.ratingsRows, feedback: applied.feedbackRows },
    };
  }
}

/** Registers the data stages with the pipeline. */
@Injectable()
export class DataStagesRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: PipelineRegistry,
    private readonly ingest: IngestStage,
    private readonly validate: ValidateStage,
    private readonly drift: DriftStage,
    private readonly transform: TransformStage,
  ) {}

  onModuleInit(): void {
    for (const stage of [this.ingest, this.validate, this.drift, this.transform])
      this.registry.register(stage);
  }
}
