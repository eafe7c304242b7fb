import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { BatchesRepository } from '../ingestion/batches.repository.js';
import { RatingsRepository } from '../ingestion/ratings.repository.js';
import { PipelineRunsRepository } from '../pipeline/pipeline-runs.repository.js';
import { RegistryService } from '../registry/registry.service.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import { MetricsService } from './metrics.service.js';

interface Snapshot {
  batches: Awaited<ReturnType<BatchesRepository['summary']>>;
  ratings: number;
  quarantined: Record<string, number>;
  runs: Awaited<ReturnType<PipelineRunsRepository['summary']>>;
  models: Awaited<ReturnType<RegistryService['summary']>>;
}

/** drift report measure → (feature, measure) labels */
const DRIFT_LABELS: Record<string, { feature: string; measure: string }> = {
  rating_psi: { feature: 'rating', measure: 'psi' },
  genre_psi: { feature: 'genre', measure: 'psi' },
  activity_ks: { feature: 'activity', measure: 'ks' },
};

/** A slow or unreachable database must not hold up /metrics: the last values stay. */
const READ_TIMEOUT_MS = 2000;

/**
 * Reads the database-wide metrics (data, pipeline, registry, drift) before each scrape, each from
 * the module that owns the table.
 */
@Injectable()
export class DatabaseMetricsCollector {
  private readonly logger = new Logger(DatabaseMetricsCollector.name);

  constructor(
    private readonly batches: BatchesRepository,
    private readonly ratings: RatingsRepository,
    private readonly validation: ValidationRepository,
    private readonly runs: PipelineRunsRepository,
    private readonly registry: RegistryService,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    metrics.database.driftThreshold.set({ measure: 'psi' }, config.drift.psi);
    metrics.database.driftThreshold.set({ measure: 'ks' }, config.drift.ks);
  }

  async refresh(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      });
      this.apply(await Promise.race([this.snapshot(), timeout]));
    } catch (error) {
      this.metrics.database.scrapeErrors.inc();
      this.logger.warn(`database-wide metrics not refreshed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async snapshot(): Promise<Snapshot> {
    const [batches, ratings, quarantined, runs, models] = await Promise.all([
      this.batches.summary(),
      this.ratings.count(),
      this.validation.quarantinedByCheck(),
      this.runs.summary(),
      this.registry.summary(),
    ]);
    return { batches, ratings, quarantined, runs, models };
  }

  private apply(s: Snapshot): void {
    const m = this.metrics.database;
    m.dataVersion.set(s.batches.dataVersion);
    m.ratings.set(s.ratings);
    setTotals(m.ingestedRows, 'file', s.batches.ingested);
    setTotals(m.quarantinedRows, 'check', s.quarantined);
    setTotals(m.pipelineRuns, 'status', { succeeded: 0, failed: 0, ...s.runs.finished });
    m.lastSuccess.set(s.runs.lastSuccess ?? 0);
    m.stageDuration.reset();
    for (const stage of s.runs.lastStages ?? []) {
      if (typeof stage.seconds === 'number') m.stageDuration.set({ stage: stage.name }, stage.seconds);
    }
    if (s.models.latestTrainingSeconds !== null) m.trainingDuration.set(s.models.latestTrainingSeconds);
    if (s.models.productionNdcg !== null) m.productionNdcg.set(s.models.productionNdcg);
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
