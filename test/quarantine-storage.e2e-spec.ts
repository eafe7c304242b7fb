import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { QuarantineRetention } from '../src/ingestion/quarantine-retention.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { ValidationRepository } from '../src/validation/validation.repository.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { FIXTURE, FIXTURE_ENV } from './support/fixtures.js';
import { runCli } from './support/processes.js';

const CAP = 5;
const now = Math.floor(Date.now() / 1000);

/**
 * Bad data takes bounded room: a batch stores at most QUARANTINE_MAX_ROWS_PER_BATCH of its
 * quarantined rows (one of each check first) and counts them all; rows of batches older than
 * QUARANTINE_RETENTION_DAYS are removed by `data prune` and the daily prune.
 */
describe('quarantine storage', () => {
  let t: TestApp;
  let source: DataSource;
  const dir = mkdtempSync(join(tmpdir(), 'movie-reco-quarantine-test-'));

  beforeAll(async () => {
    t = await bootApp({ QUARANTINE_MAX_ROWS_PER_BATCH: String(CAP), QUARANTINE_RETENTION_DAYS: '30' });
    source = t.app.get(DataSource);
    expect((await loadAll(t)).status).toBe('succeeded');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (batchId: number) =>
    (await source.query<{ check: string; raw: string }[]>(
      'SELECT "check", raw FROM quarantined_rows WHERE batch_id = $1 ORDER BY file, line',
      [batchId],
    )) as { check: string; raw: string }[];

  it('stores at most the cap of an applied batch, one of each check first, and counts them all', async () => {
    const [batch] = await source.query('SELECT id, quarantined_rows FROM data_batches ORDER BY id');
    expect(batch.quarantined_rows).toBe(FIXTURE.quarantined.length);
    const rows = await stored(batch.id);
    expect(rows).toHaveLength(CAP);
    expect(new Set(rows.map((row) => row.check)).size).toBe(CAP);
  });

  it('stores at most the cap of a rejected upload; its quoted "4.0\\n" is quarantined with a reason', async () => {
    const file = join(dir, 'bad.csv');
    const bad = Array.from({ length: 200 }, (_, i) => `601,${(i % 30) + 1},7.5,${now - i}`);
    writeFileSync(
      file,
      ['userId,movieId,rating,timestamp', ...bad, `602,1,"4.0\n",${now}`, `602,2,4.0,${now}`, ''].join('\n'),
    );
    const run = await t.app
      .get(PipelineRunner)
      .run({ trigger: 'upload', source: { kind: 'upload', file, name: 'bad.csv' }, until: 'transform' });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('batch rejected') });
    const [batch] = await source.query(
      `SELECT id, quarantined_rows FROM data_batches WHERE status = 'rejected'`,
    );
    expect(batch.quarantined_rows).toBe(201);
    const [report] = await source.query(
      'SELECT rows_quarantined, checks FROM validation_reports WHERE batch_id = $1',
      [batch.id],
    );
    expect(report).toMatchObject({
      rows_quarantined: 201,
      checks: expect.objectContaining({ rating: 200, control_bytes: 1 }),
    });
    const rows = await stored(batch.id);
    expect(rows).toHaveLength(CAP);
    // Round-robin over the checks: the one control-byte row is kept beside the 200 bad ratings.
    expect(rows).toContainEqual({ check: 'control_bytes', raw: `602,1,"4.0\n",${now}` });
    const [failed] = await source.query(
      `SELECT reason FROM quarantined_rows WHERE batch_id = $1 AND "check" = 'control_bytes'`,
      [batch.id],
    );
    expect(failed.reason).toBe('the row holds the control byte 0x0a (newline)');

    const validation = t.app.get(ValidationRepository);
    const byCheck = await validation.quarantinedByCheck();
    expect(Object.values(byCheck).reduce((sum, n) => sum + n, 0)).toBe(FIXTURE.quarantined.length + 201);
    expect(await validation.storage()).toEqual({ rows: 2 * CAP, bytes: expect.any(Number) });
  });

  it('removes the rows of batches older than the retention, on demand and from the CLI', async () => {
    const retention = t.app.get(QuarantineRetention);
    expect(await retention.prune()).toMatchObject({ rows: 0, batches: [], retentionDays: 30 });
    const [rejected] = await source.query(`SELECT id FROM data_batches WHERE status = 'rejected'`);
    await source.query(`UPDATE data_batches SET created_at = now() - interval '31 days' WHERE id = $1`, [
      rejected.id,
    ]);
    expect(await retention.prune()).toMatchObject({
      rows: CAP,
      batches: [{ batchId: rejected.id, rows: CAP }],
    });
    expect(await stored(rejected.id)).toEqual([]);
    // The batch and its counts stay; so do the rows of the newer batch.
    const [batch] = await source.query('SELECT quarantined_rows FROM data_batches WHERE id = $1', [
      rejected.id,
    ]);
    expect(batch.quarantined_rows).toBe(201);
    expect(await t.app.get(ValidationRepository).storage()).toMatchObject({ rows: CAP });

    await source.query(`UPDATE data_batches SET created_at = now() - interval '31 days'`);
    const cli = runCli(['data', 'prune'], { ...FIXTURE_ENV, DATABASE_URL: t.db.url });
    expect(cli).toMatchObject({ status: 0 });
    expect(cli.stdout).toMatch(
      new RegExp(
        `^Removed ${CAP} quarantined row\\(s\\) of 1 batch\\(es\\) of batches recorded before \\S+ \\(QUARANTINE_RETENTION_DAYS=30\\):\\n  batch \\d+: ${CAP} row\\(s\\)\\n$`,
      ),
    );
    expect(runCli(['data', 'prune'], { ...FIXTURE_ENV, DATABASE_URL: t.db.url }).stdout).toMatch(
      /^No quarantined row to remove of batches recorded before/,
    );
  });
});
