import { DataSource } from 'typeorm';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { FIXTURE } from './support/fixtures.js';

/**
 * A rejected batch that had changed the catalog (a first load upserts every movie) is rolled back
 * whole; its report and quarantined rows are recorded in a transaction of their own, the rows
 * streamed across from the batch's staging before the rollback.
 */
describe('a rejected batch that changed the catalog', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ MAX_BAD_ROW_SHARE: '0' });
  });
  afterAll(() => t?.close());

  it('leaves the catalog as it was and keeps the rejection, its report and every quarantined row', async () => {
    const run = await loadAll(t);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('batch rejected') });
    const source = t.app.get(DataSource);
    const [{ n: movies }] = await source.query('SELECT count(*)::int AS n FROM movies');
    expect(movies).toBe(0);
    const batches = await source.query(
      'SELECT id, status, quarantined_rows, pipeline_run_id FROM data_batches ORDER BY id',
    );
    expect(batches).toEqual([
      {
        id: expect.any(Number),
        status: 'rejected',
        quarantined_rows: FIXTURE.quarantined.length,
        pipeline_run_id: run.runId,
      },
    ]);
    const rows = await source.query(
      'SELECT file, line, "check", reason FROM quarantined_rows WHERE batch_id = $1 ORDER BY file, line',
      [batches[0].id],
    );
    expect(rows).toEqual(FIXTURE.quarantined);
    const [runRow] = await source.query('SELECT batch_id FROM pipeline_runs WHERE id = $1', [run.runId]);
    expect(runRow.batch_id).toBe(batches[0].id);
  });
});
