import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export async function teardown() {
  // The fixture folders this run's test files laid out (test/support/fixtures.ts).
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith(`movie-reco-fixture-${process.env.TEST_RUN_ID}-`)) {
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
  const server = globalThis.embeddedTestServer;
  if (!server) return;
  await server.stop();
  rmSync(dirname(server.options.dataDir), { recursive: true, force: true });
}
