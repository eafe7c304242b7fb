import { DataSource } from 'typeorm';
import { replayJob } from '../src/evaluation/replay-job.js';
import { DatabaseMetricsCollector } from '../src/monitoring/database-metrics.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { columnsOf } from '../src/core/interactions.js';
import { bootApp, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV } from './support/auth.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { runCli } from './support/processes.js';

interface StageRow {
  name: string;
  status: string;
  rows?: number;
  detail?: Record<string, unknown>;
}

/**
 * The replay stage on the fixture, one period per run: the first run has no production model to
 * score; the second scores version 1 on the 2001 batch before training on it.
 */
describe('the replay stage: production scored on each new batch before training on it', () => {
  let t: TestApp;
  let token: string;
  const query = (sql: string, params: unknown[] = []) => t.app.get(DataSource).query(sql, params);
  const run = () => t.app.get(PipelineRunner).run({ trigger: 'cli' });
  const replayStage = async (runId: number): Promise<StageRow> => {
    const [row] = await query('SELECT stages FROM pipeline_runs WHERE id = $1', [runId]);
    return (row.stages as StageRow[]).find((stage) => stage.name === 'replay')!;
  };

  beforeAll(async () => {
    t = await bootApp(AUTH_ENV);
    token = await adminToken(t);
  });
  afterAll(() => t.close());

  it('is skipped on the first run, which has no model in production, and the run succeeds', async () => {
    expect(await run()).toMatchObject({ status: 'succeeded' });
    expect(await replayStage(1)).toMatchObject({
      status: 'skipped',
      detail: { reason: 'no model in production yet: nothing to score the batch with' },
    });
    expect(await query('SELECT count(*)::int AS n FROM replay_measures')).toEqual([{ n: 0 }]);
  });

  it("scores version 1 on the next batch's ratings, as its artifact ranks them, and stores the figure", async () => {
    expect(await run()).toMatchObject({ status: 'succeeded' });
    const stage = await replayStage(2);
    expect(stage).toMatchObject({
      status: 'succeeded',
      detail: { 'model version': 1, 'model data version': 1, 'data version': 2, complete: true },
    });
    const [measure] = await query('SELECT * FROM replay_measures');
    expect(measure).toMatchObject({
      model_version_id: 1,
      data_version: 2,
      pipeline_run_id: 2,
      complete: true,
    });

    // The same replay, from version 1's artifact and the batch's ratings read here: the stage read
    // the right batch and scored what it says.
    const [artifact] = await query(
      `SELECT string_agg(bytes, ''::bytea ORDER BY start_byte) AS artifact FROM model_artifact_parts
       WHERE model_version_id = 1`,
    );
    const ratings = await query(
      `SELECT user_id AS "userId", movie_id AS "movieId", rating, extract(epoch FROM rated_at)::float8 AS timestamp
       FROM ratings r JOIN data_batches b ON b.id = r.batch_id WHERE b.version = 2`,
    );
    expect(ratings).toHaveLength(99);
    const expected = replayJob({
      artifact: new Uint8Array(artifact.artifact),
      ratings: columnsOf(ratings),
      sessionSeconds: t.config.serving.sessionSeconds,
      budgetSeconds: 600,
    });
    expect(expected.served.events).toBeGreaterThan(10);
    expect(measure.events).toBe(expected.served.events);
    expect(measure.served_hit_rate).toBeCloseTo(expected.served.hitRate, 10);
    expect(measure.nightly_hit_rate).toBeCloseTo(expected.nightly.hitRate, 10);
    expect(measure.figures.served).toEqual(expected.served);
    expect(measure.figures.nightly).toEqual(expected.nightly);
    expect(measure.figures).toMatchObject({ batchRatings: 99, modelDataVersion: 1 });
    const { served } = measure.figures;
    expect(served.known.events + served.new.events).toBe(served.events);
    expect(stage.rows).toBe(served.events);
  });

  it('shows the figure with the version: admin API, `models show`, `pipeline show`', async () => {
    const { body } = await t.http.get('/admin/models/1').auth(token, { type: 'bearer' }).expect(200);
    expect(body.replay).toEqual([
      expect.objectContaining({
        modelVersionId: 1,
        dataVersion: 2,
        pipelineRunId: 2,
        complete: true,
        served: expect.objectContaining({ events: expect.any(Number), known: expect.any(Object) }),
        nightly: expect.objectContaining({ hitRate: expect.any(Number) }),
      }),
    ]);
    const env = { ...FIXTURE_ENV, DATABASE_URL: t.db.url, LOG_LEVEL: 'warn' };
    const events = body.replay[0].served.events;
    const shown = runCli(['models', 'show', '1'], env);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(
        `\\n {2}replay {3}data v2: served hit@10 \\d\\.\\d{4} \\(user mean \\d\\.\\d{4} ± \\d\\.\\d{4}\\), ` +
          `nightly \\d\\.\\d{4} .*; ${events} events of \\d+ users .*; complete\\n`,
      ),
    );
    const runShown = runCli(['pipeline', 'show', '2'], env);
    expect(runShown.stdout).toMatch(/\n {2}replay +succeeded +[\d.]+ s \d+ rows\n +data v2: served hit@10 /);
    expect(runCli(['pipeline', 'show', '1'], env).stdout).toMatch(
      /\n {2}replay +skipped +[\d.]+ s\n +no model in production yet/,
    );
  });

  it('publishes the newest figure in /metrics, the same on every replica', async () => {
    await t.app.get(DatabaseMetricsCollector).refresh();
    const { text } = await t.http.get('/metrics').expect(200);
    const [measure] = await query('SELECT * FROM replay_measures');
    expect(text).toContain(`movie_reco_replay_hit_rate{variant="served"} ${measure.served_hit_rate}\n`);
    expect(text).toContain(`movie_reco_replay_hit_rate{variant="nightly"} ${measure.nightly_hit_rate}\n`);
    expect(text).toContain(`movie_reco_replay_events ${measure.events}\n`);
    expect(text).toContain('movie_reco_replay_data_version 2\n');
  });

  it('does not fail the run when the measurement fails: skipped with the reason', async () => {
    const [production] = await query(
      `SELECT id, artifact_sha256 FROM model_versions WHERE stage = 'production'`,
    );
    await query('UPDATE model_versions SET artifact_sha256 = $2 WHERE id = $1', [
      production.id,
      '0'.repeat(64),
    ]);
    try {
      expect(await run()).toMatchObject({ status: 'succeeded' });
    } finally {
      await query('UPDATE model_versions SET artifact_sha256 = $2 WHERE id = $1', [
        production.id,
        production.artifact_sha256,
      ]);
    }
    const stage = await replayStage(3);
    expect(stage.status).toBe('skipped');
    expect(stage.detail!.reason).toMatch(
      new RegExp(
        `^not measured: model version ${production.id}: artifact sha256 [0-9a-f]{64} does not match`,
      ),
    );
    expect(await query('SELECT count(*)::int AS n FROM replay_measures')).toEqual([{ n: 1 }]);
  });
});
