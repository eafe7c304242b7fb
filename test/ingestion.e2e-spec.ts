import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DataStatusService } from '../src/ingestion/data-status.service.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { FIXTURE, FIXTURE_DIR } from './support/fixtures.js';

describe('loading a MovieLens folder as one batch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('loads the well-formed rows and quarantines each malformed one with its check and reason', async () => {
    expect(await loadAll(t)).toMatchObject({ status: 'succeeded', summary: 'completed' });
    const [batch] = await t.app.get(DataSource).query('SELECT * FROM data_batches');
    expect(batch).toMatchObject({
      id: 1,
      version: 1,
      kind: 'full',
      status: 'applied',
      movies_rows: FIXTURE.movies,
      ratings_rows: FIXTURE.ratings,
      quarantined_rows: FIXTURE.quarantined.length,
    });
    const rows = await t.app
      .get(DataSource)
      .query(
        'SELECT file, line, "check", reason FROM quarantined_rows WHERE batch_id = 1 ORDER BY file, line',
      );
    expect(rows).toEqual(FIXTURE.quarantined);
  });

  // Rows read: the 234 rating rows and the one movie row that failed (good movie rows are the catalog).
  it('stores a validation report with the count of each check', async () => {
    const [report] = await t.app.get(DataSource).query('SELECT * FROM validation_reports WHERE batch_id = 1');
    expect(report).toMatchObject({ passed: true, rows_read: 235, rows_quarantined: 10 });
    expect(report.checks).toMatchObject({
      rating: 1,
      unknown_movie: 1,
      duplicate: 1,
      field_count: 1,
      movie_id: 1,
    });
  });

  it('keeps the later of two ratings of one movie by one user', async () => {
    const [row] = await t.app
      .get(DataSource)
      .query('SELECT rating FROM ratings WHERE user_id = 21 AND movie_id = 5');
    expect(row.rating).toBe(4.5);
  });

  it('keeps the raw text of a quarantined row so it can be fixed', async () => {
    const [row] = await t.app.get(DataSource).query('SELECT raw FROM quarantined_rows WHERE line = 229');
    expect(row.raw).toBe('21,3,4.0');
  });

  // A first load goes in with the table's keys and indexes dropped, and rebuilds them.
  it('leaves the ratings table with every key, foreign key and index it had before the first load', async () => {
    const db = t.app.get(DataSource);
    const definitions = await db.query(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'ratings'::regclass
       UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ratings'::regclass
       ORDER BY def`,
    );
    const defs = definitions.map((row: { def: string }) => row.def).join('\n');
    expect(defs).toContain('PRIMARY KEY (user_id, movie_id)');
    expect(defs).toContain('FOREIGN KEY (movie_id) REFERENCES movies(id)');
    expect(defs).toContain('FOREIGN KEY (batch_id) REFERENCES data_batches(id)');
    expect(defs).toContain('ratings_user_time_idx ON public.ratings USING btree (user_id, rated_at DESC)');
    await expect(
      db.query(`INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
                VALUES (21, 5, 1, now(), 'feedback', NULL)`),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      db.query(`INSERT INTO ratings (user_id, movie_id, rating, rated_at, source, batch_id)
                VALUES (21, 999999, 1, now(), 'feedback', NULL)`),
    ).rejects.toThrow(/foreign key/);
  });

  it('does not load the same files twice', async () => {
    expect(await loadAll(t)).toMatchObject({
      status: 'succeeded',
      summary: 'no new data: already applied as batch 1',
    });
    const status = await t.app.get(DataStatusService).status();
    expect(status).toMatchObject({
      dataVersion: 1,
      batches: 1,
      movies: 30,
      ratings: 225,
      quarantinedRows: 10,
    });
  });
});

describe('a load that fails part-way', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-broken-'));
    cpSync(FIXTURE_DIR, dir, { recursive: true });
    // An unterminated quote on the last line makes the CSV parser fail after movies were upserted.
    writeFileSync(
      join(dir, 'ratings.csv'),
      'userId,movieId,rating,timestamp\n1,1,4.0,1100000000\n1,"2,4.0,1100000000\n',
    );
    t = await bootApp({ MOVIELENS_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the run and leaves the database as it was: no batch, no movie, no rating', async () => {
    const result = await loadAll(t);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/stage ingest failed: .*quote/i);
    const status = await t.app.get(DataStatusService).status();
    expect(status).toMatchObject({ dataVersion: 0, batches: 0, movies: 0, ratings: 0, quarantinedRows: 0 });
  });
});

describe('a folder that is not a MovieLens dataset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ MOVIELENS_DIR: tmpdir() });
  });
  afterAll(() => t.close());

  it('fails the run with a message naming the missing files', async () => {
    const result = await loadAll(t);
    expect(result.error).toBe(
      `stage ingest failed: MovieLens folder ${tmpdir()} has no movies.csv or ratings.csv`,
    );
  });
});
