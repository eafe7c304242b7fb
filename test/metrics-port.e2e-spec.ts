import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { startServer, waitUntil } from './support/processes.js';

/** METRICS_PORT and PUBLIC_METRICS=false (issue 22): the figures off the API port, as compose and k8s run. */
describe('metrics on a port of their own', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const env = async (metricsPort: number, extra: Record<string, string> = {}) => ({
    ...FIXTURE_ENV,
    AUTO_INGEST: 'false',
    DATABASE_URL: db.url,
    PORT: String(await freePort()),
    METRICS_PORT: String(metricsPort),
    ...extra,
  });

  it('serves /metrics from the same registry on METRICS_PORT, and 404 on the API port', async () => {
    const metricsPort = await freePort();
    const server = startServer(await env(metricsPort, { PUBLIC_METRICS: 'false' }));
    const metrics = `http://127.0.0.1:${metricsPort}`;
    try {
      await waitUntil(async () => (await fetch(`${metrics}/metrics`)).status === 200, 'the metrics listener');
      const hidden = await fetch(`${server.baseUrl}/metrics`);
      expect(hidden.status).toBe(404);
      expect(await hidden.json()).toMatchObject({ statusCode: 404, message: 'Cannot GET /metrics' });
      await fetch(`${server.baseUrl}/movies/424242`);
      // Renderings are reused for a second.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const scrape = await fetch(`${metrics}/metrics`);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      const text = await scrape.text();
      expect(text).toContain('movie_reco_process_cpu_seconds_total');
      // What the API port served is counted in the registry this port shows.
      expect(text).toMatch(
        /movie_reco_http_request_duration_seconds_count\{method="GET",route="\/movies\/:id",status_code="404"\} 1/,
      );
      expect((await fetch(`${metrics}/`)).status).toBe(404);
      expect((await fetch(`${metrics}/docs`)).status).toBe(404);
      expect((await fetch(`${metrics}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain(`metrics on http://0.0.0.0:${metricsPort}/metrics`);
  });

  it('refuses to start when METRICS_PORT is taken, naming the variable', async () => {
    const port = await freePort();
    const blocker = startServer(await env(port));
    try {
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).status === 200,
        'the first server',
      );
      const second = startServer(await env(port));
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`port ${port} is in use on 0.0.0.0; set METRICS_PORT to a free port`);
    } finally {
      blocker.child.kill('SIGTERM');
      await blocker.exited;
    }
  });
});
