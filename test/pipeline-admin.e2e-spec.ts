import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { FIRST_RUN_STAGES, stageOutcomes } from './support/fixtures.js';
import { bootApp, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV } from './support/auth.js';

describe('admin: pipeline runs', () => {
  let t: TestApp;
  let token: string;
  const get = (path: string) => t.http.get(path).auth(token, { type: 'bearer' });
  const waitForRun = async (runId: number) => {
    for (let attempt = 0; attempt < 300; attempt++) {
      const { body } = await get(`/admin/pipeline/runs/${runId}`).expect(200);
      if (body.status !== 'running') return body;
      await sleep(50);
    }
    throw new Error(`run ${runId} did not finish`);
  };

  beforeAll(async () => {
    // The fixture's batches are tiny: drift is measured on them all the same.
    t = await bootApp({ ...AUTH_ENV, DRIFT_MIN_SAMPLE: '1' });
    token = await adminToken(t);
  });
  afterAll(() => t.close());

  it('starts a run (202), records its stages and timings, and lists it', async () => {
    const { body: started } = await t.http
      .post('/admin/pipeline/runs')
      .auth(token, { type: 'bearer' })
      .expect(202);
    expect(started).toEqual({ runId: 1, location: '/admin/pipeline/runs/1' });
    const run = await waitForRun(1);
    expect(run).toMatchObject({
      id: 1,
      trigger: 'manual',
      status: 'succeeded',
      summary: 'completed',
      batchId: 1,
      dataVersion: 1,
      runner: expect.stringMatching(/^\d+@/),
    });
    expect(stageOutcomes(run.stages)).toEqual(FIRST_RUN_STAGES);
    expect(run.stages[0]).toMatchObject({ rows: 80, seconds: expect.any(Number) });
    const { body: page } = await get('/admin/pipeline/runs').expect(200);
    expect(page).toMatchObject({ total: 1, page: 1, limit: 20 });
  });

  it('measures drift of the next batch against the data already applied', async () => {
    await t.http.post('/admin/pipeline/runs').auth(token, { type: 'bearer' }).expect(202);
    const run = await waitForRun(2);
    expect(run.drift).toMatchObject({
      reference: '76 applied ratings',
      thresholds: { psi: 0.2, ks: 0.3 },
      measures: {
        rating_psi: expect.any(Number),
        genre_psi: expect.any(Number),
        activity_ks: expect.any(Number),
      },
    });
    expect(run.stages.find((s: { name: string }) => s.name === 'drift').detail).toMatchObject({
      drifted: expect.any(Array),
    });
  });

  it('answers 409 naming the active run while one runs', async () => {
    // A run that never ends on its own: the test holds the ingest lock, so the run waits in ingest.
    const holder = new pg.Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('movie-reco:ingest'))`);
      const { body: started } = await t.http
        .post('/admin/pipeline/runs')
        .auth(token, { type: 'bearer' })
        .expect(202);
      const { body } = await t.http.post('/admin/pipeline/runs').auth(token, { type: 'bearer' }).expect(409);
      expect(body).toMatchObject({
        statusCode: 409,
        message: `pipeline run ${started.runId} is active; wait for it to finish`,
        activeRunId: started.runId,
      });
      await holder.query(`SELECT pg_advisory_unlock(hashtext('movie-reco:ingest'))`);
      expect(await waitForRun(started.runId)).toMatchObject({ status: 'succeeded' });
    } finally {
      await holder.end();
    }
  });

  it('keeps the routes behind their scopes', async () => {
    await t.http.post('/admin/pipeline/runs').expect(401);
    const readOnly = await adminToken(t, 'pipeline:read');
    await t.http.post('/admin/pipeline/runs').auth(readOnly, { type: 'bearer' }).expect(403);
    await t.http.get('/admin/pipeline/runs').auth(readOnly, { type: 'bearer' }).expect(200);
    await get('/admin/pipeline/runs/999').expect(404);
    await get('/admin/pipeline/runs/abc').expect(400);
  });
});
