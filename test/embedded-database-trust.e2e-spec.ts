import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_ENV } from './support/fixtures.js';
import { connectEmbedded, postmasterPid } from './support/embedded.js';
import { freePort } from './support/ports.js';
import { getJson, type RunningApp, startServer, waitUntil } from './support/processes.js';

const JWT_SECRET = 'embedded-trust-jwt-secret-0123456789abcdef';

/**
 * What one database login and one dead child process can do, on the server's own embedded
 * PostgreSQL: the app's login is no superuser (no server files, no programs, no secrets of the app
 * in the server's environment), and a server that exits is started again — or, when it cannot be,
 * liveness fails so that the orchestrator restarts the app.
 */
describe('the embedded PostgreSQL, least privilege and supervised', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: RunningApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-embedded-trust-'));
    chmodSync(dir, 0o755);
    env = {
      ...FIXTURE_ENV,
      PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
      PG_DATA_DIR: join(dir, 'pg'),
      PG_RESTART_ATTEMPTS: '2',
      JWT_SECRET,
    };
    server = startServer(env);
    await waitUntil(
      async () => (await getJson(`${server.baseUrl}/status`)).status === 200,
      'a model',
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const postmaster = () => postmasterPid(env.PG_DATA_DIR!);

  it("gives the app's login no superuser power and the server none of the app's secrets", async () => {
    const pid = postmaster();
    const client = await connectEmbedded(env, 'app');
    try {
      const { rows } = await client.query<{ rolsuper: boolean; owner: string }>(
        `SELECT rolsuper, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) AS owner
         FROM pg_roles WHERE rolname = current_user`,
      );
      expect(rows[0]).toEqual({ rolsuper: false, owner: 'movie_reco' });
      await expect(client.query(`SELECT pg_read_binary_file('/proc/${pid}/environ')`)).rejects.toThrow(
        'permission denied for function pg_read_binary_file',
      );
      await expect(client.query(`COPY (SELECT 1) TO PROGRAM 'id'`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`CREATE ROLE intruder SUPERUSER`)).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
    // What the OS lets this test read of the server's environment (all of it, as root).
    let environment: string | undefined;
    try {
      environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      environment = undefined; // another user's process: nobody but root reads it either
    }
    if (environment !== undefined) {
      expect(environment).not.toContain(JWT_SECRET);
      expect(
        environment
          .split('\0')
          .filter(Boolean)
          .map((entry) => entry.split('=')[0])
          .sort(),
      ).toEqual(['LC_MESSAGES', 'PATH']);
    }
  });

  it('starts the server again when it dies, and fails liveness when it cannot', async () => {
    process.kill(postmaster(), 'SIGKILL');
    const killed = Date.now();
    await waitUntil(
      async () => (await getJson(`${server.baseUrl}/movies/1`)).status === 200,
      'the routes back',
      30_000,
    );
    const seconds = (Date.now() - killed) / 1000;
    expect(seconds).toBeLessThan(30);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^movie_reco_embedded_database_restarts_total 1$/m);
    await waitUntil(
      async () => server.output().includes('embedded PostgreSQL restarted (attempt'),
      'the log line',
    );

    // Killed again, with its port taken meanwhile: every restart fails.
    const pid = postmaster();
    process.kill(pid, 'SIGKILL');
    let squatter: Server | undefined;
    await waitUntil(async () => {
      squatter = await new Promise<Server | undefined>((resolve) => {
        const candidate = createServer();
        candidate.once('error', () => resolve(undefined));
        candidate.listen(Number(env.PG_PORT), '127.0.0.1', () => resolve(candidate));
      });
      return squatter !== undefined;
    }, 'the port free to take');
    try {
      await waitUntil(
        async () => (await getJson(`${server.baseUrl}/status/live`)).status === 503,
        'liveness to fail',
      );
      const live = await getJson(`${server.baseUrl}/status/live`);
      expect(live.body.message).toMatch(
        /^not alive: the embedded PostgreSQL on .* exited .* and 2 restarts failed$/,
      );
    } finally {
      squatter?.close();
    }
  }, 90_000);
});
