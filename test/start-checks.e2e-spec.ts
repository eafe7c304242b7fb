import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, loadAll } from './support/app.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { startServer } from './support/processes.js';

/** A start that cannot succeed fails at once, with a sentence and no stack trace. */
describe('a start that cannot succeed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-start-failures-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const occupy = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });

  it('on a busy port exits 1 before the embedded PostgreSQL or a model starts, naming the port', async () => {
    const port = await freePort();
    const holder = await occupy(port);
    try {
      const pgDataDir = join(dir, 'pg');
      const started = Date.now();
      const app = startServer({
        ...FIXTURE_ENV,
        PORT: String(port),
        HOST: '127.0.0.1',
        PG_PORT: String(await freePort()),
        PG_DATA_DIR: pgDataDir,
      });
      expect(await app.exited).toBe(1);
      const seconds = (Date.now() - started) / 1000;
      expect(app.output()).toContain(`port ${port} is in use on 127.0.0.1; set PORT to a free port`);
      expect(app.output()).not.toMatch(/\n\s+at /); // no stack trace
      // The embedded server would have created its data folder; Nest would have said it started.
      expect(existsSync(pgDataDir)).toBe(false);
      expect(app.output()).not.toContain('Nest application');
      expect(seconds).toBeLessThan(10);
    } finally {
      holder.close();
    }
  });
});

describe('a start on loaded data whose MovieLens folder is gone', () => {
  it('warns that the scheduled runs will fail until MOVIELENS_DIR is fixed', async () => {
    const first = await bootApp();
    await loadAll(first);
    await first.close({ keepDatabase: true });

    const warn = vi.spyOn(Logger.prototype, 'warn');
    const second = await bootApp(
      { MOVIELENS_DIR: '/nonexistent/ml-latest-small', PIPELINE_CRON: '0 0 * * *' },
      first.db,
    );
    try {
      const warnings = warn.mock.calls
        .map(([message]) => String(message))
        .filter((m) => m.includes('MOVIELENS_DIR'));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^MOVIELENS_DIR \/nonexistent\/ml-latest-small does not exist: the scheduled pipeline runs .* will fail until it is fixed/,
        ),
      ]);
    } finally {
      warn.mockRestore();
      await second.close();
    }
  });
});
