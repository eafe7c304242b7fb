import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseMetricsCollector } from '../src/monitoring/database-metrics.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { PipelineRunsRepository } from '../src/pipeline/pipeline-runs.repository.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';

const now = Math.floor(Date.now() / 1000);

/**
 * The drift stage measures the share of a batch's ratings from users first seen in it, on batches
 * too small for PSI and KS too; the run shows it and /metrics publishes it (alert NewUserFlood).
 */
describe('new-user share of a batch', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'movie-reco-new-users-test-'));
  beforeAll(async () => {
    t = await bootApp();
    expect((await loadAll(t)).status).toBe('succeeded');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flags a batch of 150 one-rating new accounts and 30 ratings of a known user', async () => {
    const file = join(dir, 'flood.csv');
    const flood = Array.from({ length: 150 }, (_, i) => `${7001 + i},5,5.0,${now - i}`);
    const known = Array.from({ length: 30 }, (_, i) => `1,${i + 1},4.0,${now - i}`);
    writeFileSync(file, ['userId,movieId,rating,timestamp', ...flood, ...known, ''].join('\n'));
    const run = await t.app
      .get(PipelineRunner)
      .run({ trigger: 'upload', source: { kind: 'upload', file, name: 'flood.csv' }, until: 'transform' });
    if (!run) throw new Error('the run did not start');
    expect(run.status).toBe('succeeded');
    const { drift } = await t.app.get(PipelineRunsRepository).get(run.runId);
    expect(drift).toMatchObject({
      // 180 ratings: under DRIFT_MIN_SAMPLE for PSI and KS, enough for the share.
      skipped: expect.stringContaining('fewer than DRIFT_MIN_SAMPLE'),
      measures: { rating_psi: null, new_user_share: 0.8333 },
      newUsers: { users: 150, ratings: 150, batchRatings: 180 },
      thresholds: { newUserShare: 0.95 },
      drifted: [],
    });

    await t.app.get(DatabaseMetricsCollector).refresh();
    const { text } = await t.http.get('/metrics').expect(200);
    expect(text).toMatch(/^movie_reco_data_new_user_share 0\.8333$/m);
    expect(text).toMatch(/^movie_reco_data_drift_threshold\{measure="new_user_share"\} 0\.95$/m);
  });
});
