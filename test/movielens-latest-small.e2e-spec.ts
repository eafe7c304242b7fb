import { DataSource } from 'typeorm';
import { DataStatusService } from '../src/ingestion/data-status.service.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';

/**
 * The real MovieLens ml-latest-small, when MOVIELENS_DIR points at it (CI sets it; the dataset's
 * licence forbids shipping it in this repository, so it runs only where it is present).
 */
const dir = process.env.MOVIELENS_DIR;
const describeWithDataset = dir?.includes('ml-latest-small') ? describe : describe.skip;

describeWithDataset(`MovieLens ml-latest-small from ${dir}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ MOVIELENS_DIR: dir! });
  });
  afterAll(() => t.close());

  it('loads every movie and rating, with nothing quarantined', async () => {
    expect(await loadAll(t)).toMatchObject({ status: 'succeeded', summary: 'completed' });
    expect(await t.app.get(DataStatusService).status()).toMatchObject({
      movies: 9742,
      ratings: 100836,
      quarantinedRows: 0,
    });
  });

  it('finds Toy Story first when searching "toy"', async () => {
    const { body } = await t.http.get('/movies?search=toy').expect(200);
    expect(body.items[0]).toMatchObject({
      id: 1,
      title: 'Toy Story (1995)',
      ratingCount: 215,
      ratingMean: 3.92,
    });
  });
});

describeWithDataset('replaying ml-latest-small year by year from 1998', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ MOVIELENS_DIR: dir!, REPLAY_START_YEAR: '1998' });
  });
  afterAll(() => t.close());

  it('loads up to 1998 first, then one year per run until 2018, every rating exactly once', async () => {
    const runner = t.app.get(PipelineRunner);
    const summaries: string[] = [];
    for (let run = 0; run < 30; run++) {
      const result = await runner.run({ trigger: 'cli', until: 'transform' });
      expect(result?.status).toBe('succeeded');
      summaries.push(result!.summary!);
      if (result!.summary!.startsWith('no new data')) break;
    }
    expect(summaries).toHaveLength(22);
    expect(summaries.at(-1)).toBe('no new data: the replay source is exhausted');
    const batches = await t.app
      .get(DataSource)
      .query(`SELECT period, ratings_rows FROM data_batches WHERE status = 'applied' ORDER BY version`);
    expect(batches.map((b: { period: string }) => b.period)).toEqual([
      'up to 1998',
      ...Array.from({ length: 20 }, (_, i) => String(1999 + i)),
    ]);
    const sum = batches.reduce((total: number, b: { ratings_rows: number }) => total + b.ratings_rows, 0);
    expect(sum).toBe(100836);
    expect(await t.app.get(DataStatusService).status()).toMatchObject({
      ratings: 100836,
      quarantinedRows: 0,
    });
  }, 300_000);

  it('adds 0 rows when a period is run again', async () => {
    expect(await loadAll(t)).toMatchObject({
      status: 'succeeded',
      summary: 'no new data: every rating of the batch was already applied',
    });
  });
});
