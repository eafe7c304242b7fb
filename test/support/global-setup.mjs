import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * With DATABASE_URL set, every suite creates its own fresh database on that server. Without it,
 * one embedded PostgreSQL is started for the run and the suites create their databases there.
 * The app is compiled first: some suites run it (and the CLI) as separate processes, and the
 * embedded server here is the app's own code.
 *
 * This runs in Vitest's main process; the test files run in child processes started after it,
 * which inherit the environment set here. TEST_RUN_ID names this run's fixture folders
 * (test/support/fixtures.ts), which global-teardown.mjs removes.
 */
export async function setup() {
  process.env.TEST_RUN_ID = String(process.pid);
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const { EmbeddedPostgres } = await import('../../dist/src/database/embedded-postgres.js');
  const dir = mkdtempSync(join(tmpdir(), 'movie-reco-test-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach the folder
  const server = new EmbeddedPostgres({
    dataDir: join(dir, 'pg'),
    port: await freePort(),
    database: 'postgres',
    // The harness creates a database per test file: it needs the superuser, not the app's role.
    ownerRole: false,
    log: { info: () => undefined, warn: () => undefined, debug: () => undefined },
  });
  process.env.TEST_ADMIN_DATABASE_URL = await server.start();
  globalThis.embeddedTestServer = server;
}
