import { tmpdir } from 'node:os';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_DIR } from './support/fixtures.js';
import { runCli } from './support/processes.js';

describe('command line', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, MOVIELENS_DIR: FIXTURE_DIR };
  });
  afterAll(() => db.drop());

  it('applies migrations once, reverts the last one and applies it again', () => {
    expect(runCli(['db', 'migrate'], env)).toMatchObject({
      status: 0,
      stdout: 'Applied 2 migration(s):\n  InitialSchema1764147600000\n  MoviePopularityIndex1764151200000\n',
    });
    expect(runCli(['db', 'migrate'], env).stdout).toBe('Schema is up to date; no migration to apply.\n');
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted MoviePopularityIndex1764151200000.\n',
    });
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted InitialSchema1764147600000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('No migration has been applied; nothing to revert.\n');
    expect(runCli(['db', 'migrate'], env).status).toBe(0);
  });

  it('ingests the data once, logging structured progress lines when no terminal watches', () => {
    const first = runCli(['ingest', '--all'], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^Loaded batch 1 from movielens:small in [\d.]+ s: 30 movies, 225 ratings \(\d+ ratings\/s\), 10 rows quarantined\.\n$/,
    );
    const logLines = first.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'batch loaded', batchId: 1, ratingsRows: 225 }),
    );

    const again = runCli(['ingest', '--all', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ status: 'unchanged', batchId: 1, source: 'movielens:small' });
  });

  it('reports the data status', () => {
    const { status, stdout } = runCli(['data', 'status', '--json'], env);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      dataVersion: 1,
      batches: 1,
      movies: 30,
      ratings: 225,
      quarantinedRows: 10,
    });
  });

  it('exits non-zero with a clear message on bad usage, bad data folders and bad settings', () => {
    expect(runCli(['ingest'], env)).toMatchObject({
      status: 2,
      stderr: 'error: say what to ingest: --all\n',
    });
    expect(runCli(['frobnicate'], env)).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
    const missing = runCli(['ingest', '--all'], { ...env, MOVIELENS_DIR: tmpdir() });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`error: MovieLens folder ${tmpdir()} has no movies.csv or ratings.csv`);
    const badUrl = runCli(['data', 'status'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(badUrl.status).toBe(1);
    expect(badUrl.stderr).toContain('DATABASE_URL must be a postgres:// or postgresql:// connection URL');
  });
});
