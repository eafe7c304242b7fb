import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { DatabaseMetricsCollector } from '../src/monitoring/database-metrics.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from './support/app.js';

/** The metric names of the "Metrics" table in docs/operations.md (first column; `*` families excluded). */
function documentedMetrics(): string[] {
  const doc = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Metrics'), doc.indexOf('\n## ', doc.indexOf('## Metrics') + 1));
  return [...section.matchAll(/^\| `(movie_reco_[a-z0-9_]+)`/gm)].map((match) => match[1]!);
}

/** `name{labels} value` → value, for one exact series. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics after two pipeline runs and a few requests', () => {
  let t: TestApp;
  let text: string;

  beforeAll(async () => {
    t = await bootApp({ MAX_BAD_ROW_SHARE: '1', DRIFT_MIN_SAMPLE: '1' });
    // The second run's batch has a reference to drift from.
    for (let run = 1; run <= 2; run++) {
      expect(await t.app.get(PipelineRunner).run({ trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const { body } = await t.http.get('/users/1/recommendations');
      if (body.modelVersion === 2) break;
      await sleep(50);
    }
    await t.http.get('/users/999999/recommendations').expect(200);
    await t.http.get('/movies/1/similar').expect(200);
    await t.http.post('/users/recommendations').send({ comedy: 1 }).expect(200);
    // The database-wide figures are read in the background; read them now rather than wait.
    await t.app.get(DatabaseMetricsCollector).refresh();
    text = (await t.http.get('/metrics').expect(200)).text;
  });
  afterAll(() => t.close());

  it('exposes every metric the operations guide documents', () => {
    const documented = documentedMetrics();
    expect(documented.length).toBeGreaterThan(15);
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    expect(documented.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it("names the EASE fits' linear algebra backend the train stage found", () => {
    expect(sample(text, 'movie_reco_linalg_backend{backend="wasm-simd"}')).toBe(1);
    expect(sample(text, 'movie_reco_linalg_backend{backend="js"}')).toBe(0);
  });

  it('counts recommendations by endpoint and fallback, and names the model served', () => {
    expect(
      sample(text, 'movie_reco_recommendations_total{endpoint="user",fallback="none"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'movie_reco_recommendations_total{endpoint="user",fallback="popularity"}')).toBe(1);
    expect(sample(text, 'movie_reco_recommendations_total{endpoint="similar",fallback="none"}')).toBe(1);
    expect(sample(text, 'movie_reco_recommendations_total{endpoint="taste",fallback="none"}')).toBe(1);
    expect(sample(text, 'movie_reco_model_info{version="2",algorithm="session-aware"}')).toBe(1);
    expect(text).not.toContain('movie_reco_model_info{version="1"');
    const ndcg = sample(text, 'movie_reco_model_ndcg_at_10{protocol="next-day"}')!;
    expect(ndcg).toBeGreaterThan(0);
    expect(sample(text, 'movie_reco_model_ndcg_at_10{protocol="session"}')).toBeGreaterThan(0);
    // The production figure is the primary protocol's (next-day by default).
    expect(sample(text, 'movie_reco_production_model_ndcg_at_10')).toBe(ndcg);
  });

  it('reports the data, the pipeline and drift as the database has them', async () => {
    const [batch] = await t.app.get(DataSource).query(
      `SELECT max(version) AS version, sum(ratings_rows)::int AS ratings_rows, sum(quarantined_rows)::int AS quarantined_rows
       FROM data_batches WHERE status = 'applied'`,
    );
    const [drift] = await t.app.get(DataSource).query('SELECT drift FROM pipeline_runs WHERE id = 2');
    expect(sample(text, 'movie_reco_data_version')).toBe(batch.version);
    expect(sample(text, 'movie_reco_ratings')).toBe(batch.ratings_rows);
    expect(sample(text, 'movie_reco_ingested_rows_total{file="ratings"}')).toBe(batch.ratings_rows);
    const quarantined = [
      ...text.matchAll(/^movie_reco_quarantined_rows_total\{check="[a-z_0-9]+"\} (\d+)$/gm),
    ];
    expect(quarantined.reduce((sum, match) => sum + Number(match[1]), 0)).toBe(batch.quarantined_rows);
    expect(sample(text, 'movie_reco_pipeline_runs_total{status="succeeded"}')).toBe(2);
    expect(sample(text, 'movie_reco_pipeline_runs_total{status="failed"}')).toBe(0);
    expect(sample(text, 'movie_reco_pipeline_last_success_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 600,
    );
    for (const stage of ['ingest', 'transform', 'train', 'evaluate', 'register', 'promote', 'deploy'])
      expect(
        sample(text, `movie_reco_pipeline_stage_duration_seconds{stage="${stage}"}`),
      ).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'movie_reco_training_duration_seconds')).toBeGreaterThan(0);
    // The second run scored version 1 on its batch before training on it (the replay stage).
    const [replay] = await t.app
      .get(DataSource)
      .query('SELECT served_hit_rate, nightly_hit_rate, events, data_version FROM replay_measures');
    expect(sample(text, 'movie_reco_replay_hit_rate{variant="served"}')).toBe(replay.served_hit_rate);
    expect(sample(text, 'movie_reco_replay_hit_rate{variant="nightly"}')).toBe(replay.nightly_hit_rate);
    expect(sample(text, 'movie_reco_replay_events')).toBe(replay.events);
    expect(sample(text, 'movie_reco_replay_data_version')).toBe(replay.data_version);
    expect(sample(text, 'movie_reco_data_drift_threshold{measure="psi"}')).toBe(0.2);
    expect(sample(text, 'movie_reco_data_drift{feature="rating",measure="psi"}')).toBe(
      drift.drift.measures.rating_psi,
    );
    expect(sample(text, 'movie_reco_data_drift{feature="activity",measure="ks"}')).toBe(
      drift.drift.measures.activity_ks,
    );
  });
});
