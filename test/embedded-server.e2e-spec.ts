import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { getJson, isAlive, startServer, waitUntil } from './support/processes.js';

/**
 * The server as a user runs it with no DATABASE_URL: it starts its own PostgreSQL, loads the data
 * on first start, survives being killed, and shuts down cleanly.
 */
describe('the server on its embedded PostgreSQL', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-embedded-'));
    chmodSync(dir, 0o755);
    env = {
      PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
      PG_DATA_DIR: join(dir, 'pg'),
      ...FIXTURE_ENV,
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const superuser = (password: string) =>
    new pg.Client({
      host: '127.0.0.1',
      port: Number(env.PG_PORT),
      user: 'postgres',
      password,
      database: 'postgres',
    });
  const canLogIn = async (password: string) => {
    const client = superuser(password);
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const asSuperuser = async (password: string, sql: string) => {
    const client = superuser(password);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const dataVersion = async (baseUrl: string) => (await getJson(`${baseUrl}/status`)).body?.info?.data;

  it('starts, loads the data, restarts after SIGKILL without loading again, and stops on SIGTERM', async () => {
    const first = startServer(env);
    // Ready (200) once the first run has loaded the data and its model serves.
    await waitUntil(async () => (await dataVersion(first.baseUrl))?.version === 1, 'first load', 60_000);
    const postmasterPid = Number(
      readFileSync(join(env.PG_DATA_DIR!, 'postmaster.pid'), 'utf8').split('\n')[0],
    );

    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(postmasterPid)).toBe(true); // the orphaned server still holds the data folder

    const second = startServer(env);
    await waitUntil(async () => (await getJson(`${second.baseUrl}/status`)).status === 200, 'restart');
    expect(second.output()).toContain('left running');
    expect(isAlive(postmasterPid)).toBe(false);
    expect(await dataVersion(second.baseUrl)).toMatchObject({ version: 1, loading: false });
    // The server's stdout is written a few lines at a time: the line may follow the answer.
    await waitUntil(
      async () =>
        second.output().includes('data already loaded and a model decided on it; nothing to run at start'),
      'no run at start',
    );
    expect((await getJson(`${second.baseUrl}/movies?search=toy`)).body.items[0].title).toBe(
      'Toy Story (1995)',
    );

    // The superuser's password is the folder's own, not postgres/postgres.
    const passwordFile = join(env.PG_DATA_DIR!, 'movie-reco-password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(await canLogIn('postgres')).toBe(false);
    expect(await canLogIn(password)).toBe(true);
    // A folder from before, still on postgres/postgres and without the file, is moved to its own.
    await asSuperuser(password, "ALTER ROLE postgres PASSWORD 'postgres'");
    rmSync(passwordFile);

    const newPostmaster = Number(
      readFileSync(join(env.PG_DATA_DIR!, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    second.child.kill('SIGTERM');
    // Nest closes the app, then exits 0, writing out the buffered log lines on the way.
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('embedded PostgreSQL stopped');
    expect(isAlive(newPostmaster)).toBe(false);

    const third = startServer(env);
    await waitUntil(async () => (await getJson(`${third.baseUrl}/status`)).status === 200, 'restart');
    expect(third.output()).toContain('now has the folder');
    const adopted = readFileSync(passwordFile, 'utf8').trim();
    expect(adopted).not.toBe(password);
    expect(await canLogIn('postgres')).toBe(false);
    expect(await canLogIn(adopted)).toBe(true);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('refuses to start with a clear message when a setting is wrong', async () => {
    const bad = startServer({ ...env, PORT: 'eighty' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('PORT=\\"eighty\\"'); // in a JSON line
  });
});
