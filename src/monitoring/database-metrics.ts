import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { DriftReport } from './drift.service.js';
import { MetricsService } from './metrics.service.js';

interface Snapshot {
  data_version: number;
  ratings: string;
  ingested: Record<string, string | number>;
  quarantined: Record<string, string | number>;
  runs: Record<string, string | number>;
  last_success: number | null;
  last_stages: { name: string; seconds?: number }[] | null;
  training_seconds: number | null;
  production_ndcg: string | null;
  drift: Pick<DriftReport, 'measures'> | null;
}

/** Every database-wide figure in one round trip. */
const SNAPSHOT = `
SELECT
  (SELECT coalesce(max(version), 0) FROM data_batches WHERE status = 'applied') AS data_version,
  (SELECT count(*) FROM ratings) AS ratings,
  (SELECT json_build_object('movies', coalesce(sum(movies_rows), 0), 'ratings', coalesce(sum(ratings_rows), 0),
                            'feedback', coalesce(sum(feedback_rows), 0))
     FROM data_batches WHERE status = 'applied') AS ingested,
  (SELECT coalesce(json_object_agg("check", n), '{}')
     FROM (SELECT "check", count(*) AS n FROM quarantined_rows GROUP BY "check") q) AS quarantined,
  (SELECT coalesce(json_object_agg(status, n), '{}')
     FROM (SELECT status, count(*) AS n FROM pipeline_runs WHERE status <> 'running' GROUP BY status) p) AS runs,
  (SELECT extract(epoch FROM max(finished_at))::float8 FROM pipeline_runs WHERE status = 'succeeded') AS last_success,
  (SELECT stages FROM pipeline_runs WHERE status <> 'running' ORDER BY id DESC LIMIT 1) AS last_stages,
  (SELECT training_seconds FROM model_versions ORDER BY id DESC LIMIT 1) AS training_seconds,
  (SELECT metrics->>'ndcg@10' FROM model_versions WHERE stage = 'production') AS production_ndcg,
  (SELECT drift FROM pipeline_runs WHERE drift IS NOT NULL AND status = 'succeeded' ORDER BY id DESC LIMIT 1) AS drift`;

/** drift report measure → (feature, measure) labels */
const DRIFT_LABELS: Record<string, { feature: string; measure: string }> = {
  rating_psi: { feature: 'rating', measure: 'psi' },
  genre_psi: { feature: 'genre', measure: 'psi' },
  activity_ks: { feature: 'activity', measure: 'ks' },
};

/** A slow or unreachable database must not hold up /metrics: the last values stay. */
const READ_TIMEOUT_MS = 2000;

/** Reads the database-wide metrics (data, pipeline, registry, drift) before each scrape. */
@Injectable()
export class DatabaseMetricsCollector {
  private readonly logger = new Logger(DatabaseMetricsCollector.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
      const [snapshot] = await Promise.race([this.db.query<Snapshot[]>(SNAPSHOT), timeout]);
      this.apply(snapshot!);
    } catch (error) {
      this.metrics.database.scrapeErrors.inc();
      this.logger.warn(`database-wide metrics not refreshed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private apply(s: Snapshot): void {
    const m = this.metrics.database;
    m.dataVersion.set(Number(s.data_version));
    m.ratings.set(Number(s.ratings));
    setTotals(m.ingestedRows, 'file', s.ingested);
    setTotals(m.quarantinedRows, 'check', s.quarantined);
    setTotals(m.pipelineRuns, 'status', { succeeded: 0, failed: 0, ...s.runs });
    m.lastSuccess.set(s.last_success ?? 0);
    m.stageDuration.reset();
    for (const stage of s.last_stages ?? []) {
      if (typeof stage.seconds === 'number') m.stageDuration.set({ stage: stage.name }, stage.seconds);
    }
    if (s.training_seconds !== null) m.trainingDuration.set(s.training_seconds);
    if (s.production_ndcg !== null) m.productionNdcg.set(Number(s.production_ndcg));
    m.drift.reset();
    for (const [name, value] of Object.entries(s.drift?.measures ?? {})) {
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
