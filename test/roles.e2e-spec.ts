import { SchedulerRegistry } from '@nestjs/schedule';
import { bootApp, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV } from './support/auth.js';

/** ROLE splits serving from training: api replicas never run the pipeline, a worker serves no model. */
describe('process roles', () => {
  describe('ROLE=api', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootApp({ ...AUTH_ENV, ROLE: 'api', AUTO_INGEST: 'true', PIPELINE_CRON: '0 0 * * *' });
    });
    afterAll(() => t.close());

    it('refuses to start a pipeline run, saying where runs are started', async () => {
      const token = await adminToken(t);
      const { body } = await t.http.post('/admin/pipeline/runs').auth(token, { type: 'bearer' }).expect(503);
      expect(body.message).toMatch(/ROLE=api.*worker/);
    });

    it('loads no data at start and schedules nothing; not ready until the worker promotes a model', async () => {
      const { body: runs } = await t.http
        .get('/admin/pipeline/runs')
        .auth(await adminToken(t), { type: 'bearer' })
        .expect(200);
      expect(runs.total).toBe(0);
      expect(t.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
      const status = await t.http.get('/status').expect(503);
      expect(status.body.message).toBe(
        'not ready: model down (no model is in production yet: the pipeline worker trains one; ' +
          'this replica loads it once promoted)',
      );
      // The recommendation routes are there and say the same; no model was promoted yet.
      const list = await t.http.get('/users/1/recommendations').expect(503);
      expect(list.body.message).toBe(status.body.health.error.model.message);
      expect(list.headers['retry-after']).toBe('10');
      // What an api replica can answer without a model, it answers.
      await t.http.get('/movies').expect(200);
    });
  });

  describe('ROLE=worker', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootApp({ ...AUTH_ENV, ROLE: 'worker' });
    });
    afterAll(() => t.close());

    it('runs the pipeline and serves /status and /metrics, but no recommendations or ratings', async () => {
      const token = await adminToken(t);
      const { body: started } = await t.http
        .post('/admin/pipeline/runs')
        .auth(token, { type: 'bearer' })
        .expect(202);
      let run = { status: 'running' };
      for (let attempt = 0; attempt < 600 && run.status === 'running'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ({ body: run } = await t.http.get(started.location).auth(token, { type: 'bearer' }).expect(200));
      }
      expect(run.status).toBe('succeeded');
      await t.http.get('/status').expect(200);
      await t.http.get('/metrics').expect(200);
      await t.http.get('/users/1/recommendations').expect(404);
      await t.http.post('/users/1/ratings').send({ movieId: 1, rating: 4 }).expect(404);
    });
  });
});
