import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bootApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV, writeGeneratedDataset } from './support/fixtures.js';
import { runCli } from './support/processes.js';

const USERS = 20_000;
const MOVIES = 30;

/** The fixture's 30 movies and 400,000 ratings: training takes seconds, room to kill it. */
const writeDataset = (dir: string) =>
  writeGeneratedDataset(dir, {
    users: USERS,
    movies: MOVIES,
    firstTimestamp: 900000000,
    keep: (user, movie) => (user * 7 + movie) % 3 !== 0,
  });

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('nothing stranded by a crash', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);

  beforeEach(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  it('a run killed (kill -9) while training, after transform committed, is trained by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'movie-reco-stranded-'));
    try {
      await writeDataset(dir);
      const env = { ...FIXTURE_ENV, DATABASE_URL: db.url, MOVIELENS_DIR: dir, LOG_LEVEL: 'info' };
      expect(runCli(['db', 'migrate'], env).status).toBe(0);

      const cli = spawn(process.execPath, ['dist/src/cli.js', 'pipeline', 'run'], {
        env: { PATH: process.env.PATH, ...env },
      });
      let log = '';
      await new Promise<void>((resolve, reject) => {
        cli.stderr.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('stage transform succeeded')) resolve();
        });
        cli.on('exit', () => reject(new Error(`the run ended before it could be killed:\n${log}`)));
      });
      cli.kill('SIGKILL');
      await new Promise((resolve) => cli.once('exit', resolve));

      // The batch is committed as data version 1; no model was trained on it.
      expect(await count(`SELECT max(version) AS n FROM data_batches WHERE status = 'applied'`)).toBe(1);
      expect(await count('SELECT count(*) AS n FROM model_versions')).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM pipeline_runs WHERE status = 'running'`)).toBe(1);

      const next = runCli(['pipeline', 'run', '--json'], env);
      expect(next.status).toBe(0);
      const run = JSON.parse(next.stdout);
      expect(run).toMatchObject({ id: 2, status: 'succeeded', summary: 'completed' });
      const outcome = Object.fromEntries(
        run.stages.map((stage: { name: string; status: string }) => [stage.name, stage.status]),
      );
      expect(outcome).toMatchObject({
        validate: 'skipped',
        drift: 'skipped',
        transform: 'skipped',
        train: 'succeeded',
        register: 'succeeded',
        deploy: 'succeeded',
      });
      expect(run.stages[0].detail).toMatchObject({ retrain: 1, trainedUpTo: 0 });
      const { rows: models } = await client.query('SELECT data_version, stage FROM model_versions');
      expect(models).toEqual([{ data_version: 1, stage: 'production' }]);
      const { rows: runs } = await client.query('SELECT id, status, error FROM pipeline_runs ORDER BY id');
      expect(runs).toEqual([
        { id: 1, status: 'failed', error: expect.stringMatching(/^interrupted: the process running it/) },
        { id: 2, status: 'succeeded', error: null },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('trains data loaded with `ingest --all` at the next `pipeline run`, and only once', () => {
    const env = { ...FIXTURE_ENV, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
    expect(runCli(['ingest', '--all'], env).status).toBe(0);
    const first = runCli(['pipeline', 'run', '--json'], env);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'succeeded', summary: 'completed' });
    const second = runCli(['pipeline', 'run', '--json'], env);
    expect(JSON.parse(second.stdout)).toMatchObject({
      status: 'succeeded',
      summary: expect.stringMatching(/^no new data/),
    });
  }, 180_000);

  it('marks runs of stopped processes interrupted at start, never a live process’s run', async () => {
    const first = await bootApp({}, db);
    await first.close({ keepDatabase: true });
    const dead = `${await deadPid()}@${hostname()}`;
    const elsewhere = '1@another-host';
    await client.query(
      `INSERT INTO pipeline_runs (trigger, status, runner) VALUES ('cli', 'running', $1), ('cli', 'running', $2)`,
      [dead, elsewhere],
    );
    const statuses = async () =>
      (await client.query('SELECT runner, status FROM pipeline_runs ORDER BY id')).rows.map(
        (row: { runner: string; status: string }) => [row.runner, row.status],
      );

    // Another host's process holds the pipeline lock: its run may be alive, and is left alone.
    const live = new pg.Client({ connectionString: db.url });
    await live.connect();
    await live.query(`SELECT pg_advisory_lock(hashtext('movie-reco:pipeline'))`);
    const second = await bootApp({}, db);
    await second.close({ keepDatabase: true });
    expect(await statuses()).toEqual([
      [dead, 'failed'],
      [elsewhere, 'running'],
    ]);

    // No process holds the lock: no run is alive, and the next start marks it.
    await live.end();
    const third = await bootApp({}, db);
    await third.close({ keepDatabase: true });
    expect(await statuses()).toEqual([
      [dead, 'failed'],
      [elsewhere, 'failed'],
    ]);
    const { rows } = await client.query(`SELECT error FROM pipeline_runs WHERE runner = $1`, [elsewhere]);
    expect(rows[0].error).toBe(
      'interrupted: the process running it (1@another-host) stopped before it finished',
    );
  });

  it('db revert asks before dropping a table holding data: --yes, or a usage error without a terminal', () => {
    const env = { ...FIXTURE_ENV, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
    expect(runCli(['ingest', '--all'], env).status).toBe(0);
    expect(runCli(['pipeline', 'run'], env).status).toBe(0);
    // The newest migrations drop no table holding data (the artifact parts go back into their
    // column): no question.
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted ArtifactParts1796576400000.\n',
    });
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted FeedbackAttribution1796490000000.\n',
    });
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted CancelledRuns1796403600000.\n',
    });
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted ReplayMeasures1796317200000.\n',
    });
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted Impressions1796230800000.\n',
    });
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted ArtifactStorageExternal1796140800000.\n',
    });
    const refused = runCli(['db', 'revert'], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /Reverting drops model_stage_changes \(\d+ rows\), model_versions \(1 rows\)/,
    );
    expect(refused.stderr).toContain('Run again with --yes');
    expect(refused.stdout).toBe('');
    return (async () => {
      expect(await count('SELECT count(*) AS n FROM model_versions')).toBe(1);
      expect(runCli(['db', 'revert', '--yes'], env)).toMatchObject({
        status: 0,
        stdout: 'Reverted ModelRegistry1764158400000.\n',
      });
      expect(await count(`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'model_versions'`)).toBe(0);
    })();
  }, 180_000);
});
