import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { runCli, type RunningApp, startServer, waitUntil } from './support/processes.js';

const MB = 2 ** 20;
/** The heap of the instance the issue saw OOM-killed by a 2 MB upload of bad rows. */
const HEAP_MB = 300;
const CLIENT = {
  id: 'ops',
  secret: 'ops-secret-0123456789',
  scopes: ['data:read', 'data:write', 'pipeline:read'],
};

/** The process's resident set now and its peak (VmRSS, VmHWM), in MB. */
function memoryMB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: Math.round(kB('VmRSS') / 1024), peak: Math.round(kB('VmHWM') / 1024) };
}

/** 50 MB of ratings that all fail the rating check, behind the header. */
function badRows(bytes: number): { body: Buffer; rows: number } {
  const parts = ['userId,movieId,rating,timestamp\n'];
  let size = parts[0]!.length;
  let rows = 0;
  while (size < bytes) {
    const row = `${1 + (rows % 90_000)},${1 + ((rows * 7) % 190_000)},9.5,${1500000000 + rows}\n`;
    parts.push(row);
    size += row.length;
    rows++;
  }
  return { body: Buffer.from(parts.join('')), rows };
}

describe('a 50 MB upload of bad rows', () => {
  let db: TestDatabase;
  let server: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { ...FIXTURE_ENV, DATABASE_URL: db.url };
    expect(runCli(['ingest', '--all'], env).status).toBe(0);
    server = startServer({
      ...env,
      PORT: String(await freePort()),
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
      AUTO_INGEST: 'false',
      LOG_LEVEL: 'warn',
      UPLOAD_MAX_BYTES: String(64 * MB),
      AUTH_CLIENTS: JSON.stringify([CLIENT]),
      JWT_SECRET: 'upload-memory-jwt-secret-0123456789abcdef',
    });
    // Listening (no model here: readiness would stay 503).
    await waitUntil(async () => (await fetch(`${server.baseUrl}/status/live`)).ok, 'the server');
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await db?.drop();
  });

  it('is quarantined in the database with memory flat, while GET /movies/1 keeps answering', async () => {
    const base = server.baseUrl;
    const tokenResponse = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };
    const { body, rows } = badRows(50 * MB);
    const pid = server.child.pid!;
    const before = memoryMB(pid);

    let finished = false;
    const answers: number[] = [];
    let peakRss = before.rss;
    // A client reading the catalog all along: every answer must be the movie.
    const reader = (async () => {
      while (!finished) {
        const response = await fetch(`${base}/movies/1`);
        const movie = (await response.json()) as { id?: number };
        answers.push(response.status === 200 && movie.id === 1 ? 200 : response.status);
        peakRss = Math.max(peakRss, memoryMB(pid).rss);
        await sleep(50);
      }
    })();

    const started = performance.now();
    const upload = await fetch(`${base}/admin/batches?name=bad-rows.csv`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body,
    });
    expect(upload.status).toBe(202);
    const { runId } = (await upload.json()) as { runId: number };
    let run: { status: string; error: string | null; batchId: number | null } | undefined;
    await waitUntil(
      async () => {
        const response = await fetch(`${base}/admin/pipeline/runs/${runId}`, { headers: auth });
        run = (await response.json()) as typeof run;
        return run!.status !== 'running';
      },
      `run ${runId}`,
      540_000,
    );
    finished = true;
    await reader;
    const seconds = (performance.now() - started) / 1000;
    const after = memoryMB(pid);

    expect(run).toMatchObject({
      status: 'failed',
      error: `stage validate failed: batch rejected: ${rows} of ${rows} rows failed validation (100.0% > 5.0%); nothing was applied`,
    });
    const batch = (await (
      await fetch(`${base}/admin/batches/${run!.batchId}`, { headers: auth })
    ).json()) as {
      status: string;
      quarantinedRows: number;
      report: { checks: Record<string, number> };
    };
    expect(batch).toMatchObject({ status: 'rejected', quarantinedRows: rows });
    expect(batch.report.checks.rating).toBe(rows);
    const quarantine = (await (
      await fetch(`${base}/admin/batches/${run!.batchId}/quarantine?limit=1&check=rating`, { headers: auth })
    ).json()) as { total: number; items: { line: number; raw: string }[] };
    // Counted whole above; stored up to QUARANTINE_MAX_ROWS_PER_BATCH (10,000 by default).
    expect(quarantine).toMatchObject({ total: 10_000, items: [{ line: 2, raw: '1,1,9.5,1500000000' }] });

    // The process lived and kept answering; its peak memory stayed far under the bad rows'
    // in-memory size (the old path held every row and its text: well over 1 GB for these).
    expect(server.child.exitCode).toBeNull();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    expect(after.peak).toBeLessThan(before.rss + 200);
    console.log(
      `50 MB bad-row upload: ${rows} rows, run ${seconds.toFixed(1)} s; server RSS ${before.rss} MB before, ` +
        `peak ${after.peak} MB (VmHWM; sampled ${peakRss} MB); GET /movies/1 answered ${answers.length} times, all 200`,
    );
  }, 600_000);
});
