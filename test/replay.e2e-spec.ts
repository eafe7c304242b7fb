import { DataSource } from 'typeorm';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';

/**
 * The fixture replayed year by year (REPLAY_START_YEAR=2000): 2000 (76 good rows), 2001 (99),
 * 2002 (49), then 2004 where 6 of 7 rows are bad.
 */
describe('replaying the history one period per run', () => {
  let t: TestApp;
  const replay = () => t.app.get(PipelineRunner).run({ trigger: 'cli', until: 'transform' });
  const query = (sql: string) => t.app.get(DataSource).query(sql);

  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('applies every period up to the start year first, then one period per run', async () => {
    expect(await replay()).toMatchObject({ status: 'succeeded', summary: 'completed' });
    expect(await replay()).toMatchObject({ status: 'succeeded' });
    expect(await replay()).toMatchObject({ status: 'succeeded' });
    const batches = await query(
      `SELECT version, kind, period, ratings_rows, quarantined_rows FROM data_batches ORDER BY version`,
    );
    expect(batches).toEqual([
      { version: 1, kind: 'initial', period: 'up to 2000', ratings_rows: 76, quarantined_rows: 4 },
      { version: 2, kind: 'period', period: '2001', ratings_rows: 99, quarantined_rows: 0 },
      { version: 3, kind: 'period', period: '2002', ratings_rows: 49, quarantined_rows: 0 },
    ]);
  });

  it('quarantines undated and implausibly dated rows in the first batch only', async () => {
    const rows = await query(
      `SELECT line, "check" FROM quarantined_rows WHERE batch_id = 1 ORDER BY file, line`,
    );
    expect(rows).toEqual([
      { line: 32, check: 'movie_id' },
      { line: 229, check: 'field_count' },
      { line: 230, check: 'timestamp_future' },
      { line: 235, check: 'timestamp_before_1995' },
    ]);
  });

  it('rejects a period whose bad-row share is over the threshold, applying nothing of it', async () => {
    const before = await query('SELECT count(*)::int AS n FROM ratings');
    const result = await replay();
    expect(result).toMatchObject({ status: 'failed' });
    expect(result!.error).toBe(
      'stage validate failed: batch rejected: 6 of 7 rows failed validation (85.7% > 5.0%); nothing was applied',
    );
    expect(await query('SELECT count(*)::int AS n FROM ratings')).toEqual(before);
    const [rejected] = await query(`SELECT * FROM data_batches WHERE status = 'rejected'`);
    expect(rejected).toMatchObject({ kind: 'period', period: '2004', version: null, quarantined_rows: 6 });
    const [report] = await query(`SELECT * FROM validation_reports WHERE batch_id = ${rejected.id}`);
    expect(report).toMatchObject({ passed: false, rows_read: 7, rows_accepted: 1, rows_quarantined: 6 });
    expect(report.checks).toMatchObject({
      rating: 1,
      unknown_movie: 1,
      empty_field: 1,
      duplicate: 1,
      invalid_utf8: 1,
      user_id: 1,
    });
  });

  it('sums the accepted rows of all batches to the good rows of the source, each applied once', async () => {
    const [sum] = await query(
      `SELECT sum(ratings_rows)::int AS n FROM data_batches WHERE status = 'applied'`,
    );
    const [count] = await query('SELECT count(*)::int AS n FROM ratings');
    expect(sum.n).toBe(224);
    expect(count.n).toBe(224);
  });

  it('adds only what was not applied when the whole dataset is loaded again, and nothing the second time', async () => {
    // Of the rejected 2004 period, the whole-dataset batch (under the threshold) applies its one good row.
    expect(await loadAll(t)).toMatchObject({ status: 'succeeded', summary: 'completed' });
    const [full] = await query(`SELECT id, version, ratings_rows FROM data_batches WHERE kind = 'full'`);
    expect(full).toMatchObject({ version: 4, ratings_rows: 1 });
    expect(await loadAll(t)).toMatchObject({
      status: 'succeeded',
      summary: 'no new data: already applied as batch ' + full.id,
    });
  });
});

describe('the end of the replay source', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ MAX_BAD_ROW_SHARE: '1' });
  });
  afterAll(() => t.close());

  it('says so and changes nothing', async () => {
    const runner = t.app.get(PipelineRunner);
    for (let run = 0; run < 4; run++) {
      expect(await runner.run({ trigger: 'cli', until: 'transform' })).toMatchObject({ status: 'succeeded' });
    }
    expect(await runner.run({ trigger: 'cli', until: 'transform' })).toMatchObject({
      status: 'succeeded',
      summary: 'no new data: the replay source is exhausted',
    });
    const [latest] = await t.app.get(DataSource).query('SELECT max(version) AS v FROM data_batches');
    expect(latest.v).toBe(4);
  });
});
