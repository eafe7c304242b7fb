import { tmpdir } from 'node:os';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { runCli } from './support/processes.js';

describe('command line', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = { ...FIXTURE_ENV, DATABASE_URL: db.url };
  });
  afterAll(() => db.drop());

  it('applies migrations once, reverts the last one and applies it again', () => {
    expect(runCli(['db', 'migrate'], env)).toMatchObject({
      status: 0,
      stdout:
        'Applied 10 migration(s):\n  InitialSchema1764147600000\n  MoviePopularityIndex1764151200000\n' +
        '  PipelineAndValidation1764154800000\n  ModelRegistry1764158400000\n' +
        '  ArtifactStorageExternal1796140800000\n  Impressions1796230800000\n  ReplayMeasures1796317200000\n' +
        '  CancelledRuns1796403600000\n  FeedbackAttribution1796490000000\n  ArtifactParts1796576400000\n',
    });
    expect(runCli(['db', 'migrate'], env).stdout).toBe('Schema is up to date; no migration to apply.\n');
    expect(runCli(['db', 'revert'], env)).toMatchObject({
      status: 0,
      stdout: 'Reverted ArtifactParts1796576400000.\n',
    });
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted FeedbackAttribution1796490000000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted CancelledRuns1796403600000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted ReplayMeasures1796317200000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted Impressions1796230800000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted ArtifactStorageExternal1796140800000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted ModelRegistry1764158400000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted PipelineAndValidation1764154800000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted MoviePopularityIndex1764151200000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted InitialSchema1764147600000.\n');
    expect(runCli(['db', 'revert'], env).stdout).toBe('No migration has been applied; nothing to revert.\n');
    expect(runCli(['db', 'migrate'], env).status).toBe(0);
  });

  it('ingests the data once, logging structured progress lines when no terminal watches', () => {
    const first = runCli(['ingest', '--all'], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^#1 .* cli +succeeded data v1 {2}completed\n {2}ingest +succeeded +[\d.]+ s 235 rows\n/,
    );
    expect(first.stdout).toMatch(/\n {2}transform +succeeded +[\d.]+ s 225 rows\n/);
    const logLines = first.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'batch applied', batchId: 1, version: 1 }),
    );
    // A line as each stage starts, and one with its time as it ends.
    for (const stage of ['ingest', 'validate', 'drift', 'transform']) {
      expect(logLines).toContainEqual(expect.objectContaining({ msg: `stage ${stage} started`, stage }));
      expect(logLines).toContainEqual(
        expect.objectContaining({ msg: `stage ${stage} succeeded`, seconds: expect.any(Number) }),
      );
    }

    const again = runCli(['ingest', '--all', '--json'], env);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      id: 2,
      status: 'succeeded',
      summary: 'no new data: already applied as batch 1',
    });
  });

  it('lists and shows pipeline runs', () => {
    const list = runCli(['pipeline', 'list'], env);
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    const shown = JSON.parse(runCli(['pipeline', 'show', '1', '--json'], env).stdout);
    expect(shown.stages.map((stage: { name: string }) => stage.name)).toEqual([
      'ingest',
      'validate',
      'drift',
      'transform',
    ]);
    const missing = runCli(['pipeline', 'show', '99'], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr.endsWith('error: pipeline run 99 not found\n')).toBe(true);
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

  it('lists, shows and promotes model versions, and rolls back', async () => {
    for (const ndcg of [0.1, 0.12]) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(
        `WITH version AS (
           INSERT INTO model_versions (algorithm, params, metrics, data_version, training_seconds, artifact_bytes, artifact_sha256, stage)
           VALUES ('ease', '{}', $1, 1, 2.5, 1, encode(sha256('x'), 'hex'), 'candidate') RETURNING id)
         INSERT INTO model_artifact_parts (model_version_id, start_byte, bytes) SELECT id, 0, 'x' FROM version`,
        [JSON.stringify({ 'ndcg@10': ndcg })],
      );
      await client.end();
    }
    // Reverting the artifact parts puts each artifact back in its column; migrating moves it back.
    const artifacts = async (sql: string) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(sql);
      await client.end();
      return rows.map((row) => Object.values(row).map(String).join(' '));
    };
    expect(runCli(['db', 'revert'], env).stdout).toBe('Reverted ArtifactParts1796576400000.\n');
    expect(
      await artifacts(`SELECT id, convert_from(artifact, 'UTF8') FROM model_versions ORDER BY id`),
    ).toEqual(['1 x', '2 x']);
    expect(runCli(['db', 'migrate'], env).status).toBe(0);
    expect(
      await artifacts(
        `SELECT v.id, v.artifact_bytes, p.start_byte, convert_from(p.bytes, 'UTF8') FROM model_versions v
         JOIN model_artifact_parts p ON p.model_version_id = v.id ORDER BY v.id`,
      ),
    ).toEqual(['1 1 0 x', '2 1 0 x']);
    expect(runCli(['models', 'promote', '1'], env)).toMatchObject({
      status: 0,
      stdout: 'Version 1 is in production.\n',
    });
    expect(runCli(['models', 'promote', '2', '--reason', 'better'], env).status).toBe(0);
    expect(runCli(['models', 'promote', '1', '--reason', 'roll back'], env).status).toBe(0);
    const list = runCli(['models', 'list'], env).stdout.trim().split('\n');
    expect(list).toHaveLength(2);
    expect(list[0]).toMatch(/^#2 .* ease +archived +data v1 +NDCG@10 0\.1200$/);
    expect(list[1]).toMatch(/^#1 .* ease +production/);
    const shown = JSON.parse(runCli(['models', 'show', '2', '--json'], env).stdout);
    expect(shown.history.map((c: { to: string; reason: string }) => `${c.to}: ${c.reason}`)).toEqual([
      'production: promoted from the command line: better',
      'archived: replaced by version 1',
    ]);
    expect(runCli(['models', 'show', 'x'], env)).toMatchObject({ status: 2 });
  });

  it('exits non-zero with a clear message on bad usage, bad data folders and bad settings', () => {
    expect(runCli(['ingest'], env)).toMatchObject({
      status: 2,
      stderr: 'error: say what to ingest: --next or --all\n',
    });
    expect(runCli(['ingest', '--next', '--all'], env)).toMatchObject({
      status: 2,
      stderr: 'error: --next and --all exclude each other: give one\n',
    });
    // Bad arguments are refused before any database is opened: none is reachable here.
    const nowhere = { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' };
    for (const args of [
      ['models', 'show', 'abc'],
      ['models', 'promote', '1.5'],
      ['pipeline', 'show', '1x'],
    ]) {
      expect(runCli(args, nowhere)).toMatchObject({
        status: 2,
        stderr: 'error: the id must be a positive integer\n',
      });
    }
    expect(runCli(['pipeline', 'list', '--limit', 'abc'], nowhere)).toMatchObject({
      status: 2,
      stderr: 'error: --limit must be an integer from 1 to 100\n',
    });
    expect(runCli(['frobnicate'], env)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
    const missing = runCli(['ingest', '--all'], { ...env, MOVIELENS_DIR: tmpdir() });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      `error: stage ingest failed: MovieLens folder ${tmpdir()} has no movies.csv or ratings.csv`,
    );
    for (const variable of ['PORT', 'PG_PORT']) {
      const badPort = runCli(['data', 'status'], { ...env, [variable]: 'abc' });
      expect(badPort.status).toBe(1);
      expect(badPort.stderr).toContain(`${variable}="abc": ${variable} must be an integer number`);
      expect(badPort.stderr).not.toContain('greater than');
    }
    const badUrl = runCli(['data', 'status'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(badUrl.status).toBe(1);
    expect(badUrl.stderr).toContain('DATABASE_URL must be a postgres:// or postgresql:// connection URL');
  });

  it('answers help and usage errors without reading the configuration or opening the app', () => {
    // Any boot would stop at this configuration; help and usage errors never get there.
    const unbootable = { ...env, PORT: 'abc', DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' };
    const help = runCli(['help'], unbootable);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: movie-reco [options] [command]');
    expect(runCli(['pipeline', 'run', '--help'], unbootable).stdout).toContain(
      'Usage: movie-reco pipeline run',
    );
    expect(runCli(['ingest'], unbootable)).toMatchObject({
      status: 2,
      stderr: 'error: say what to ingest: --next or --all\n',
    });
    expect(runCli(['models', 'frobnicate'], unbootable).status).toBe(2);
  });
});
