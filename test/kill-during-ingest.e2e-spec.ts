import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { writeGeneratedDataset } from './support/fixtures.js';
import { runCli } from './support/processes.js';

const USERS = 40_000;
const MOVIES = 30;

/** The fixture's 30 movies and 1.2 million distinct ratings (about 35 MB). */
const writeLargeDataset = (dir: string) =>
  writeGeneratedDataset(dir, { users: USERS, movies: MOVIES, firstTimestamp: 1262304000 });

describe('a process killed in the middle of an ingest', () => {
  let db: TestDatabase;
  let dir: string;
  let client: pg.Client;
  const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-large-'));
    await writeLargeDataset(dir);
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await client.end();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the database as before that batch, and the next run applies it completely', async () => {
    const env = { DATABASE_URL: db.url, MOVIELENS_DIR: dir, LOG_LEVEL: 'info' };
    expect(runCli(['db', 'migrate'], env).status).toBe(0);

    const cli = spawn(process.execPath, ['dist/src/cli.js', 'ingest', '--all'], {
      env: { PATH: process.env.PATH, ...env },
    });
    // Kill it once the ratings are streaming into the staging table.
    await new Promise<void>((resolve, reject) => {
      cli.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ratings.csv:')) resolve();
      });
      cli.on('exit', () => reject(new Error('the ingest finished before it could be killed')));
    });
    cli.kill('SIGKILL');
    await new Promise((resolve) => cli.once('exit', resolve));

    expect(await count('SELECT count(*) AS n FROM ratings')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM movies')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM data_batches')).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM pipeline_runs WHERE status = 'running'`)).toBe(1);

    const again = runCli(['ingest', '--all', '--json'], env);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'succeeded', dataVersion: 1 });
    expect(await count('SELECT count(*) AS n FROM ratings')).toBe(USERS * MOVIES);
    const { rows } = await client.query('SELECT id, status, error FROM pipeline_runs ORDER BY id');
    expect(rows).toEqual([
      {
        id: 1,
        status: 'failed',
        error: expect.stringMatching(
          /^interrupted: the process running it \(\d+@.+\) stopped before it finished$/,
        ),
      },
      { id: 2, status: 'succeeded', error: null },
    ]);
  }, 180_000);
});
