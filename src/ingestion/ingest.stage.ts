import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { MoviesRepository } from '../catalog/movies.repository.js';
import type { ProgressReporter } from '../common/progress.js';
import type { StageReport } from '../common/stage-report.js';
import { AppConfig } from '../config/app-config.js';
import type { Quarantined } from '../validation/quarantined-row.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import { ActiveBatch, type PendingBatch } from './active-batch.js';
import {
  createStagingTables,
  cutStagedAt,
  earliestStagedMoment,
  stageQuarantined,
  stagedMomentRange,
  stageRatings,
  upsertMovies,
  wholeFile,
} from './batch-staging.js';
import { hasNoQuotingBytes } from './csv-records.js';
import { BatchTransaction } from './batch-transaction.js';
import { type BatchKind, BatchesRepository } from './batches.repository.js';
import { MovieLensSourceResolver } from './movielens-source-resolver.js';
import { checksumFiles } from './movielens-source.js';
import { RatingsTimeIndex } from './ratings-time-index.js';
import { automaticLoadEnd, initialLoadEnd, periodContaining } from './periods.js';
import { RatingsRepository } from './ratings.repository.js';

/**
 * Where a run's data comes from: the next replay period, the whole dataset, an uploaded CSV, or
 * nowhere (a run that only trains the data already applied).
 */
export type DataSourceRequest =
  { kind: 'replay' } | { kind: 'full' } | { kind: 'upload'; file: string; name: string } | { kind: 'none' };

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

interface Staging {
  client: PoolClient;
  progress: ProgressReporter;
  nowSeconds: number;
}

/** The batch ingest opened, or why the run has nothing to apply. */
export type IngestOutcome =
  { batch: ActiveBatch; stage: StageReport } | { batch?: undefined; stage: StageReport };

/**
 * ingest: reads the next slice of data (next replay period, the whole dataset, or an upload)
 * into a staging table inside the batch's transaction; bad rows go to the quarantine list.
 */
@Injectable()
export class IngestStage {
  private readonly logger = new Logger('IngestStage');

  constructor(
    private readonly config: AppConfig,
    private readonly movieLensSource: MovieLensSourceResolver,
    private readonly catalog: MoviesRepository,
    private readonly batches: BatchesRepository,
    private readonly ratings: RatingsRepository,
    private readonly validation: ValidationRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run(runId: number, request: DataSourceRequest, progress: ProgressReporter): Promise<IngestOutcome> {
    if (request.kind === 'none')
      return { stage: { rows: 0, finish: 'no new data: this run reads no source' } };
    const transaction = await BatchTransaction.begin(this.dataSource);
    try {
      const outcome = await this.stage(transaction, runId, request, progress);
      // Only a batch handed on keeps its transaction open; the next stages end it.
      if (!outcome.batch) await transaction.rollback();
      return outcome;
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
  }

  private async stage(
    transaction: BatchTransaction,
    runId: number,
    request: Exclude<DataSourceRequest, { kind: 'none' }>,
    progress: ProgressReporter,
  ): Promise<IngestOutcome> {
    const { client } = transaction;
    await createStagingTables(client);
    const staging = { client, progress, nowSeconds: Math.floor(Date.now() / 1000) };
    const pending =
      request.kind === 'upload'
        ? await this.stageUpload(staging, request.file, request.name)
        : await this.stageMovieLens(staging, request.kind);

    const pendingFeedback = await this.ratings.pendingFeedback(client);
    if (pending.rowsRead === 0 && pendingFeedback === 0) {
      const why = request.kind === 'replay' ? 'the replay source is exhausted' : 'the source is empty';
      return { stage: { rows: 0, finish: `no new data: ${why}` } };
    }
    if (pending.rowsRead === 0) {
      Object.assign(pending, { kind: 'feedback', source: 'feedback', checksum: `feedback:${runId}` });
    }
    const alreadyApplied = await this.batches.appliedAlready(
      client,
      pending.source,
      pending.checksum,
      pending.period?.label,
    );
    if (alreadyApplied !== undefined && pendingFeedback === 0) {
      return { stage: { rows: 0, finish: `no new data: already applied as batch ${alreadyApplied}` } };
    }
    // Data applied before, with feedback waiting: the batch carries only the feedback.
    if (alreadyApplied !== undefined) {
      Object.assign(pending, { checksum: `${pending.checksum}:feedback:${runId}`, period: undefined });
    }
    const id = await this.batches.insert(client, pending, runId);
    const batch = new ActiveBatch(transaction, id, runId, pending, {
      dataSource: this.dataSource,
      catalog: this.catalog,
      batches: this.batches,
      validation: this.validation,
      quarantineMaxRows: this.config.validation.quarantineMaxRowsPerBatch,
    });
    return {
      batch,
      stage: {
        rows: pending.rowsRead,
        detail: { batchId: id, kind: pending.kind, period: pending.period?.label, pendingFeedback },
      },
    };
  }

  private async stageUpload(staging: Staging, file: string, name: string): Promise<PendingBatch> {
    const batch = newBatch('upload', `upload:${name}`, await checksumFiles([file]), name);
    const staged = await stageRatings(staging.client, await wholeFile(file), name, {
      includeMomentless: true,
      requireHeader: true,
      progress: staging.progress,
      nowSeconds: staging.nowSeconds,
    });
    return { ...batch, rowsRead: staged.considered, stagedKeys: staged.keys };
  }

  /**
   * The whole dataset, or the next replay period: the first time every period up to the start
   * year (with the rows no period can hold), then the first period with ratings after the last.
   */
  private async stageMovieLens(staging: Staging, request: 'replay' | 'full'): Promise<PendingBatch> {
    const { client, progress, nowSeconds } = staging;
    const files = await this.movieLensSource.resolve();
    const source = `movielens:${files.name}`;
    const fileChecksum = await checksumFiles([files.moviesCsv, files.ratingsCsv]);
    const lastEnd = await this.batches.lastReplayedEnd(client, source);
    const kind: BatchKind = request === 'full' ? 'full' : lastEnd === undefined ? 'initial' : 'period';
    const batch = newBatch(kind, source, fileChecksum, 'ratings.csv');

    // The catalog comes first: ratings are checked against it. Its bad rows belong to the first batch.
    const movieQuarantine: Quarantined[] = [];
    batch.moviesRows = await upsertMovies(client, this.catalog, files.moviesCsv, movieQuarantine);
    if (kind !== 'period') {
      await stageQuarantined(client, movieQuarantine);
      batch.rowsRead += movieQuarantine.length;
    }
    if (kind === 'period') {
      const index = await this.ratingsTimeIndex(files.ratingsCsv, fileChecksum);
      if (index) {
        await this.stagePeriod(staging, index, seconds(lastEnd!), batch);
        if (batch.period) batch.checksum = `${fileChecksum}:${batch.period.label}`;
        return batch;
      }
    }
    const staged = await stageRatings(client, await wholeFile(files.ratingsCsv), 'ratings.csv', {
      fromSeconds: lastEnd !== undefined && kind === 'period' ? seconds(lastEnd) : undefined,
      includeMomentless: kind !== 'period',
      requireHeader: false,
      progress,
      nowSeconds,
    });
    batch.rowsRead += staged.considered;
    // Cutting the staged rows at a period's end keeps what the keys prove true of them.
    batch.stagedKeys = staged.keys;
    if (kind === 'initial') {
      const cut = await this.initialCut(client);
      if (cut) {
        batch.rowsRead -= await cutStagedAt(client, seconds(cut.end));
        batch.period = cut;
      }
    } else if (kind === 'period') {
      const earliest = await earliestStagedMoment(client);
      if (earliest !== undefined) {
        const period = periodContaining(this.config.replay.period, new Date(earliest * 1000));
        batch.rowsRead -= await cutStagedAt(client, seconds(period.end));
        batch.period = period;
      }
    }
    if (batch.period) batch.checksum = `${fileChecksum}:${batch.period.label}`;
    return batch;
  }

  /**
   * Where the first replay batch ends: after REPLAY_START_YEAR when it is set, else
   * REPLAY_TAIL_YEARS before the staged data's last rating (see automaticLoadEnd).
   */
  private async initialCut(client: PoolClient): Promise<{ label: string; end: Date } | undefined> {
    const { startYear, period } = this.config.replay;
    if (startYear !== undefined) return { label: `up to ${startYear}`, end: initialLoadEnd(startYear) };
    const range = await stagedMomentRange(client);
    if (!range) return undefined;
    const end = automaticLoadEnd(period, new Date(range.first * 1000), new Date(range.last * 1000));
    return { label: `before ${periodContaining(period, end).label}`, end };
  }

  /**
   * The next period after `from` (seconds), read through the index: only its own lines. Same
   * batch as reading the whole file from `from` and cutting at the period's end.
   */
  private async stagePeriod(staging: Staging, index: RatingsTimeIndex, from: number, batch: PendingBatch) {
    const first = await index.firstMomentIn(from, staging.nowSeconds + 1);
    if (first === undefined) return;
    const period = periodContaining(this.config.replay.period, new Date(first * 1000));
    const staged = await stageRatings(
      staging.client,
      await index.range(from, seconds(period.end)),
      'ratings.csv',
      {
        fromSeconds: from,
        includeMomentless: false,
        requireHeader: false,
        progress: staging.progress,
        nowSeconds: staging.nowSeconds,
      },
    );
    batch.rowsRead += staged.considered;
    batch.stagedKeys = staged.keys;
    batch.period = period;
  }

  /**
   * The ratings file's time index, built on first use in the data cache; undefined (the whole file
   * is read) for a file with quoting, or when the cache cannot hold it.
   */
  private async ratingsTimeIndex(
    ratingsCsv: string,
    checksum: string,
  ): Promise<RatingsTimeIndex | undefined> {
    const path = join(this.config.movielens.cacheDir, 'time-index', `${checksum}.bin`);
    try {
      return await RatingsTimeIndex.open(ratingsCsv, path, () => hasNoQuotingBytes(ratingsCsv));
    } catch (error) {
      this.logger.warn(
        `no time index for ${ratingsCsv} at ${path} (${(error as Error).message}): reading it whole`,
      );
      return undefined;
    }
  }
}

function newBatch(kind: BatchKind, source: string, checksum: string, fileLabel: string): PendingBatch {
  return {
    kind,
    source,
    checksum,
    fileLabel,
    moviesRows: 0,
    rowsRead: 0,
    startedAt: Date.now(),
  };
}
