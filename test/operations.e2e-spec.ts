import { setTimeout as sleep } from 'node:timers/promises';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DatabaseMetricsCollector } from '../src/monitoring/database-metrics.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { RENDER_REUSE_MS } from '../src/monitoring/metrics.controller.js';
import { bootApp, type TestApp } from './support/app.js';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  describe('GET /status', () => {
    it('answers 503 while no model is loaded, saying why and when to ask again', async () => {
      const { body, headers } = await t.http.get('/status').expect(503);
      expect(body.message).toBe(
        'not ready: model down (no model is in production yet: run the pipeline ' +
          '(`npm run cli -- pipeline run`, or POST /admin/pipeline/runs))',
      );
      expect(headers['retry-after']).toBe('10');
      expect(body.health.info.database.status).toBe('up');
      expect(body.health.info.data).toMatchObject({ status: 'up', version: 0, loading: false });
      // Liveness is apart: the process is fine, it only has nothing to serve yet.
      await t.http.get('/status/live').expect(200, { status: 'ok' });
    });

    it('answers 200 once a model is loaded, with its version', async () => {
      const run = await t.app.get(PipelineRunner).run({ trigger: 'cli', source: { kind: 'full' } });
      expect(run).toMatchObject({ status: 'succeeded' });
      let answer = await t.http.get('/status');
      // The model is loaded on the promotion's notification; a check answers for a second.
      for (let attempt = 0; attempt < 50 && answer.status !== 200; attempt++) {
        await sleep(100);
        answer = await t.http.get('/status');
      }
      expect(answer.status).toBe(200);
      expect(answer.body.info.model).toMatchObject({ status: 'up', version: 1 });
    });

    it('answers calls within a second from one check', async () => {
      await sleep(1000); // past the check the test before made
      const checks = vi.spyOn(TypeOrmHealthIndicator.prototype, 'pingCheck');
      await Promise.all(Array.from({ length: 20 }, () => t.http.get('/status').expect(200)));
      expect(checks.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(checks.mock.calls.length).toBeLessThanOrEqual(2);
      checks.mockRestore();
    });

    it('answers 200 with the database check and the data version', async () => {
      const { body } = await t.http.get('/status').expect(200);
      expect(body.status).toBe('ok');
      expect(body.info.database.status).toBe('up');
      expect(body.info.data).toMatchObject({ status: 'up', version: 1, loading: false });
    });

    it('answers 503 naming the database while it cannot be reached, and recovers after', async () => {
      // Cut the app off: no new connections to its database, existing ones terminated.
      await t.db.admin(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS false`);
      await t.db.admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${t.db.name}'`,
      );
      // A check answers for a second (probes call many times a second): the cut shows after it.
      let down = await t.http.get('/status');
      for (let attempt = 0; attempt < 30 && down.status !== 503; attempt++) {
        await sleep(100);
        down = await t.http.get('/status');
      }
      expect(down.status).toBe(503);
      expect(down.body.statusCode).toBe(503);
      expect(down.body.message).toMatch(
        /^not ready: database down \(.*not currently accepting connections\)$/,
      );
      expect(down.body.health.error.database.status).toBe('down');
      expect(down.body.health.details.data.status).toBe('up');
      const api = await t.http.get('/movies/1').expect(503);
      expect(api.body.message).toBe('the database is unavailable; try again shortly');
      // Liveness does not depend on the database: restarting the process would not bring it back.
      await t.http.get('/status/live').expect(200, { status: 'ok' });
      // Metrics still answer: the database-wide ones keep their last values, the failed background
      // read is counted.
      await t.app.get(DatabaseMetricsCollector).refresh();
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^movie_reco_database_metrics_errors_total [1-9]/m);
      expect(metrics.text).toContain('movie_reco_http_request_duration_seconds_bucket');

      await t.db.admin(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS true`);
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await t.http.get('/status')).status;
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
      await t.http.get('/movies').expect(200);
    });
  });

  describe('GET /metrics', () => {
    it('exposes process metrics and HTTP durations by route template, never by id', async () => {
      await t.http.get('/movies/123').expect(404);
      await t.http.get('/movies/456').expect(404);
      await t.http.get('/no/such/route').expect(404);
      // A scrape within RENDER_REUSE_MS of the last one gets that one's text.
      await sleep(RENDER_REUSE_MS);
      const { text, headers } = await t.http.get('/metrics').expect(200);
      expect(headers['content-type']).toContain('text/plain');
      expect(text).toContain('movie_reco_process_cpu_seconds_total');
      expect(text).toContain('movie_reco_nodejs_heap_size_used_bytes');
      expect(text).toMatch(
        /movie_reco_http_request_duration_seconds_count\{method="GET",route="\/movies\/:id",status_code="404"\} 2/,
      );
      expect(text).toContain('route="unmatched"');
      expect(text).not.toMatch(/route="[^"]*(123|456)/);
    });
  });

  describe('API documentation', () => {
    it('serves Swagger UI at /docs', async () => {
      const { text, headers } = await t.http.get('/docs').expect(200);
      expect(headers['content-type']).toContain('text/html');
      expect(text).toContain('swagger');
    });

    it('describes every route and DTO in the OpenAPI document at /docs-json', async () => {
      const { body } = await t.http.get('/docs-json').expect(200);
      expect(Object.keys(body.paths).sort()).toEqual([
        '/admin/batches',
        '/admin/batches/{id}',
        '/admin/batches/{id}/quarantine',
        '/admin/feedback/revert',
        '/admin/models',
        '/admin/models/{id}',
        '/admin/models/{id}/promote',
        '/admin/pipeline/runs',
        '/admin/pipeline/runs/{id}',
        '/admin/whoami',
        '/metrics',
        '/movies',
        '/movies/{id}',
        '/movies/{id}/similar',
        '/oauth/token',
        '/status',
        '/status/live',
        '/users/recommendations',
        '/users/{id}/ratings',
        '/users/{id}/recommendations',
      ]);
      const schemas = body.components.schemas;
      expect(Object.keys(schemas)).toEqual(
        expect.arrayContaining(['MovieDto', 'MoviePageDto', 'ErrorResponseDto']),
      );
      expect(Object.keys(schemas.MovieDto.properties)).toEqual([
        'id',
        'title',
        'year',
        'genres',
        'ratingCount',
        'ratingMean',
      ]);
      const listParams = body.paths['/movies'].get.parameters.map((p: { name: string }) => p.name);
      expect(listParams).toEqual(expect.arrayContaining(['search', 'genre', 'sort', 'page', 'limit']));
    });
  });
});
