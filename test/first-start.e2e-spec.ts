import { setTimeout as sleep } from 'node:timers/promises';
import { bootApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

async function waitForDataVersion(t: TestApp, version: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { body } = await t.http.get('/status');
    if (body.info?.data?.version === version && !body.info.data.loading) return;
    await sleep(100);
  }
  const { body } = await t.http.get('/status');
  throw new Error(`data version ${version} not reached: ${JSON.stringify(body)}`);
}

describe('first start on an empty database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('loads the data by itself while /status answers, and a restart does not load it again', async () => {
    const first = await bootApp({ AUTO_INGEST: 'true' }, db);
    await first.http.get('/status').expect(200);
    await waitForDataVersion(first, 1);
    await first.http.get('/movies/1').expect(200);
    await first.close({ keepDatabase: true });

    const second = await bootApp({ AUTO_INGEST: 'true' }, db);
    await sleep(300);
    const { body } = await second.http.get('/status').expect(200);
    expect(body.info.data).toMatchObject({ version: 1, loading: false });
    const { body: movies } = await second.http.get('/movies').expect(200);
    expect(movies.total).toBe(30);
    await second.close({ keepDatabase: true });
  });
});
