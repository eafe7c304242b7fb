import { DataStatusService } from '../src/ingestion/data-status.service.js';
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
