import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default async function globalTeardown() {
  const server = globalThis.embeddedTestServer;
  if (!server) return;
  await server.stop();
  rmSync(dirname(server.options.dataDir), { recursive: true, force: true });
}
