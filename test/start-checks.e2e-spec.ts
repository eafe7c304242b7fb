import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, loadAll } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { startServer, waitUntil } from './support/processes.js';

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
  it('warns, at start and in /status, that the scheduled runs will fail until MOVIELENS_DIR is fixed', async () => {
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
      // The same in /status, beside the data it still serves (no model here: not ready for that).
      const { body } = await second.http.get('/status');
      expect(body.health.info.data).toMatchObject({
        status: 'up',
        version: 1,
        warning:
          'MOVIELENS_DIR /nonexistent/ml-latest-small does not exist: the scheduled pipeline runs will fail until it is fixed',
      });
    } finally {
      warn.mockRestore();
      await second.close();
    }
  });
});

/**
 * LOG_FORMAT=pretty is what a terminal gets by default (LOG_FORMAT=auto and stdout a TTY); the
 * tests read the server through pipes, where the default stays JSON lines.
 */
describe('the server log format', () => {
  const TIME_LEVEL = /^\d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /;

  it('prints a refused configuration as a plain paragraph on a terminal', async () => {
    const app = startServer({ LOG_FORMAT: 'pretty', PORT: 'abc', ROLE: 'boss' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toBe(
      'Invalid configuration:\n  - PORT="abc": PORT must be an integer number\n' +
        '  - ROLE="boss": ROLE must be one of all, api, worker\n',
    );
  });

  it('writes one readable line per entry with LOG_FORMAT=pretty, and JSON lines by default', async () => {
    const db = await createTestDatabase();
    try {
      const base = { DATABASE_URL: db.url, HOST: '127.0.0.1', AUTO_INGEST: 'false', PIPELINE_CRON: 'off' };
      const run = async (env: Record<string, string>) => {
        const app = startServer({ ...base, ...env, PORT: String(await freePort()) });
        await waitUntil(async () => app.output().includes('movie-reco listening on'), 'the server listening');
        await fetch(`${app.baseUrl}/movies?q=matrix`);
        app.child.kill('SIGTERM');
        expect(await app.exited).toBe(0);
        return app.output().trim().split('\n');
      };

      const pretty = await run({ LOG_FORMAT: 'pretty' });
      for (const line of pretty) expect(line).toMatch(TIME_LEVEL);
      expect(pretty).toContainEqual(
        expect.stringMatching(/ INFO {2}Main: movie-reco listening on http:\/\/127\.0\.0\.1:\d+/),
      );
      expect(pretty).toContainEqual(expect.stringMatching(/ INFO {2}Access: GET \/movies 400 [\d.]+ ms$/));

      const json = await run({});
      for (const line of json)
        expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), app: 'movie-reco' });
      expect(json.map((line) => JSON.parse(line) as { msg: string })).toContainEqual(
        expect.objectContaining({ context: 'Access', msg: expect.stringMatching(/^GET \/movies 400 /) }),
      );
    } finally {
      await db.drop();
    }
  });
});
