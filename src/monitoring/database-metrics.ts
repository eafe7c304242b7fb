import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ReplayMeasuresService } from '../evaluation/replay-measures.service.js';
import { BatchesRepository } from '../ingestion/batches.repository.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import { PipelineRunsRepository } from '../pipeline/pipeline-runs.repository.js';
import { RegistryRepository } from '../registry/registry.repository.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import { MetricsService } from './metrics.service.js';

interface Snapshot {
  batches: Awaited<ReturnType<BatchesRepository['summary']>>;
  ratings: number;
  quarantined: Record<string, number>;
  quarantineStorage: Awaited<ReturnType<ValidationRepository['storage']>>;
  runs: Awaited<ReturnType<PipelineRunsRepository['summary']>>;
  models: Awaited<ReturnType<RegistryRepository['summary']>>;
  replay: Awaited<ReturnType<ReplayMeasuresService['newest']>>;
}

/** The table owners, reading through the collector's own connection. */
interface Readers {
  batches: BatchesRepository;
  ratings: RatingsRepository;
  validation: ValidationRepository;
  runs: PipelineRunsRepository;
  registry: RegistryRepository;
  replay: ReplayMeasuresService;
}

/** drift report measure → (feature, measure) labels */
const DRIFT_LABELS: Record<string, { feature: string; measure: string }> = {
  rating_psi: { feature: 'rating', measure: 'psi' },
  genre_psi: { feature: 'genre', measure: 'psi' },
  activity_ks: { feature: 'activity', measure: 'ks' },
};

/** PostgreSQL cancels a snapshot statement that runs longer (count(*) of 25M ratings: ~1 s). */
const STATEMENT_TIMEOUT_MS = 5000;

/**
 * The database-wide metrics (data, pipeline, registry, drift), each read from the module that
 * owns the table, in the background every METRICS_REFRESH_SECONDS: a scrape only serialises the
 * last snapshot, so any number of scrapers cost the database nothing. The reads go through a
 * one-connection pool of their own with a server-side statement timeout: they can neither take
 * the serving pool's connections nor run on in PostgreSQL. A failed read keeps the last values
 * (and counts an error).
 */
@Injectable()
export class DatabaseMetricsCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DatabaseMetricsCollector.name);
  private readonly refreshMs: number;
  private pool?: DataSource;
  private readers?: Readers;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: MetricsService,
    config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {
    metrics.database.driftThreshold.set({ measure: 'psi' }, config.drift.psi);
    metrics.database.driftThreshold.set({ measure: 'ks' }, config.drift.ks);
    metrics.database.driftThreshold.set({ measure: 'new_user_share' }, config.drift.newUserShare);
    this.refreshMs = config.metrics.refreshSeconds * 1000;
  }

  onApplicationBootstrap(): void {
    // Only a process that serves /metrics reads the snapshot: a CLI command has no scraper (and
    // `db migrate` starts before the tables exist).
    if (!this.http.httpAdapter) return;
    void this.refresh();
    this.timer = setInterval(() => {
      if (!this.running) void this.refresh();
    }, this.refreshMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    if (this.pool?.isInitialized) await this.pool.destroy();
  }

  /** Reads a new snapshot (after the one under way, if any); resolves when it is applied or failed. */
  refresh(): Promise<void> {
    const next = (this.running ?? Promise.resolve()).then(() => this.readAndApply());
    const tracked = next.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    this.running = tracked;
    return tracked;
  }

  private async readAndApply(): Promise<void> {
    try {
      this.apply(await this.snapshot(await this.connect()));
      this.metrics.database.refreshed.set(Date.now() / 1000);
    } catch (error) {
      this.metrics.database.scrapeErrors.inc();
      this.logger.warn(`database-wide metrics not refreshed: ${(error as Error).message}`);
    }
  }

  /** The collector's pool, opened on first use (and again after a failed start). */
  private async connect(): Promise<Readers> {
    if (this.readers) return this.readers;
    const pool = new DataSource({
      ...this.db.options,
      entities: [],
      migrations: [],
      migrationsRun: false,
      synchronize: false,
      logging: ['error'],
      extra: {
        max: 1,
        connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        application_name: 'movie-reco metrics',
      },
    } as typeof this.db.options);
    await pool.initialize();
    this.pool = pool;
    this.readers = {
      batches: new BatchesRepository(pool),
      ratings: new RatingsRepository(pool),
      validation: new ValidationRepository(pool),
      runs: new PipelineRunsRepository(pool),
      registry: new RegistryRepository(pool),
      replay: new ReplayMeasuresService(pool),
    };
    return this.readers;
  }

  private async snapshot(readers: Readers): Promise<Snapshot> {
    // One after the other: the pool has one connection.
    const batches = await readers.batches.summary();
    const ratings = await readers.ratings.count();
    const quarantined = await readers.validation.quarantinedByCheck();
    const quarantineStorage = await readers.validation.storage();
    const runs = await readers.runs.summary();
    const models = await readers.registry.summary();
    const replay = await readers.replay.newest();
    return { batches, ratings, quarantined, quarantineStorage, runs, models, replay };
  }

  private apply(s: Snapshot): void {
    const m = this.metrics.database;
    m.dataVersion.set(s.batches.dataVersion);
    m.ratings.set(s.ratings);
    setTotals(m.ingestedRows, 'file', s.batches.ingested);
    setTotals(m.quarantinedRows, 'check', s.quarantined);
    m.quarantineStoredRows.set(s.quarantineStorage.rows);
    m.quarantineStoredBytes.set(s.quarantineStorage.bytes);
    setTotals(m.pipelineRuns, 'status', { succeeded: 0, failed: 0, ...s.runs.finished });
    m.lastSuccess.set(s.runs.lastSuccess ?? 0);
    m.stageDuration.reset();
    for (const stage of s.runs.lastStages ?? []) {
      if (typeof stage.seconds === 'number') m.stageDuration.set({ stage: stage.name }, stage.seconds);
    }
    if (s.models.latestTrainingSeconds !== null) m.trainingDuration.set(s.models.latestTrainingSeconds);
    if (s.models.productionNdcg !== null) m.productionNdcg.set(s.models.productionNdcg);
    if (s.replay) {
      m.replayHitRate.set({ variant: 'served' }, s.replay.served.hitRate);
      m.replayHitRate.set({ variant: 'nightly' }, s.replay.nightly.hitRate);
      m.replayEvents.set(s.replay.served.events);
      m.replayDataVersion.set(s.replay.dataVersion);
    }
    m.newUserShare.reset();
    if (s.runs.newUserShare !== null) m.newUserShare.set(s.runs.newUserShare);
    m.drift.reset();
    for (const [name, value] of Object.entries(s.runs.drift?.measures ?? {})) {
      const labels = DRIFT_LABELS[name];
      if (labels && typeof value === 'number') m.drift.set(labels, value);
    }
  }
}

/** A counter whose total lives in the database: set to it (it only grows there). */
function setTotals<L extends string>(
  counter: { reset(): void; inc(labels: Partial<Record<L, string>>, value: number): void },
  label: L,
  totals: Record<string, string | number>,
): void {
  counter.reset();
  for (const [key, value] of Object.entries(totals))
    counter.inc({ [label]: key } as Partial<Record<L, string>>, Number(value));
}
