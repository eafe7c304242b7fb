import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { PipelineRunsRepository } from '../src/pipeline/pipeline-runs.repository.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_DIR } from './support/fixtures.js';
import { freePort } from './support/ports.js';

/** Waits until the service is ready (a model loaded) on data version `version`, the load done. */
async function waitForDataVersion(t: TestApp, version: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { status, body } = await t.http.get('/status');
    if (status === 200 && body.info?.data?.version === version && !body.info.data.loading) return;
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
    // Not ready while the run trains (unless the small fixture is done already), saying so.
    const early = await first.http.get('/status');
    if (early.status !== 200) {
      expect(early.status).toBe(503);
      expect(early.body.message).toMatch(
        /^not ready: model down \(no model is loaded yet: pipeline run 1 \(startup\) is (starting|at stage \w+), started /,
      );
    }
    await waitForDataVersion(first, 1);
    await first.http.get('/movies/1').expect(200);
    await first.close({ keepDatabase: true });

    const second = await bootApp({ AUTO_INGEST: 'true' }, db);
    await sleep(300);
    const { body } = await second.http.get('/status').expect(200);
    expect(body.info.data).toMatchObject({ version: 1, loading: false });
    expect(body.info.model).toMatchObject({ status: 'up', version: 1 });
    const { body: movies } = await second.http.get('/movies').expect(200);
    expect(movies.total).toBe(30);
    await second.close({ keepDatabase: true });
  });
});

describe('a start interrupted after the data was loaded', () => {
  it('trains the loaded data at once, reading no new data, and serves', async () => {
    const db = await createTestDatabase();
    try {
      // The data committed, no model decided on it: what a stop during training leaves.
      const loader = await bootApp({}, db);
      expect(await loadAll(loader)).toMatchObject({ status: 'succeeded' });
      await loader.close({ keepDatabase: true });

      const restarted = await bootApp({ AUTO_INGEST: 'true' }, db);
      try {
        await waitForDataVersion(restarted, 1);
        await restarted.http.get('/users/1/recommendations').expect(200);
        const { items } = await restarted.app.get(PipelineRunsRepository).list(1, 10);
        const startUp = items.find((run) => run.trigger === 'startup')!;
        expect(startUp.status).toBe('succeeded');
        // No source read: the run trained data version 1 and applied nothing new.
        expect(startUp.stages.find((stage) => stage.name === 'ingest')).toMatchObject({ rows: 0 });
        expect(startUp.stages.find((stage) => stage.name === 'train')?.status).toBe('succeeded');
        expect(startUp.batchId).toBeNull();
      } finally {
        await restarted.close({ keepDatabase: true });
      }
    } finally {
      await db.drop();
    }
  });
});

describe('first start offline (the download fails)', () => {
  let t: TestApp;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'movie-reco-offline-'));
    // Nobody listens on the port: every download attempt is refused.
    t = await bootApp({
      AUTO_INGEST: 'true',
      MOVIELENS_DIR: '',
      MOVIELENS_URL: `http://127.0.0.1:${await freePort()}/ml-fixture.zip`,
      DATA_CACHE_DIR: cacheDir,
      FIRST_LOAD_RETRY_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('reports the data down with the load error, tries again, and serves once the data is there', async () => {
    const down = await poll(t, '/status', (status, body) => status === 503 && body.health?.error?.data);
    expect(down.message).toMatch(/^not ready: data down \(no data: the first load failed/);
    // Between attempts it says when the next one is; during one (every second here), that it runs.
    expect(down.health.error.model.message).toMatch(
      /^no model (yet: the start-up run failed \(.*; it is tried again at |is loaded yet: pipeline run \d+ \(startup\))/,
    );
    expect(down.health.error.data).toMatchObject({ status: 'down', version: 0 });
    expect(down.health.error.data.message).toMatch(/^no data: the first load failed \(.*ml-fixture\.zip/);
    // The process stays alive for the probes, and the load is tried again by itself.
    await t.http.get('/status/live').expect(200);
    await poll(t, '/status', (_, body) => body.health?.error?.data?.attempts >= 2);

    // The data arrives where the download would put it: the next attempt loads it.
    mkdirSync(join(cacheDir, 'ml-fixture'));
    copyFileSync(join(FIXTURE_DIR, 'movies.csv'), join(cacheDir, 'ml-fixture', 'movies.csv'));
    copyFileSync(join(FIXTURE_DIR, 'ratings.csv'), join(cacheDir, 'ml-fixture', 'ratings.csv'));
    const up = await poll(
      t,
      '/status',
      (status, body) => status === 200 && body.info?.data?.loading === false,
    );
    expect(up.info.data).toMatchObject({ status: 'up', version: 1 });
    expect(up.info.data.lastLoadError).toBeUndefined();
    await t.http.get('/movies/1').expect(200);
  });
});

/**
 * The real ml-latest-small with the default replay (CI sets MOVIELENS_DIR): the first batch holds
 * everything up to three years before the last rating, enough for a personalised model.
 */
const dataset = process.env.MOVIELENS_DIR;
const withDataset = dataset?.includes('ml-latest-small') ? describe : describe.skip;

withDataset('first start on ml-latest-small with the default replay', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ AUTO_INGEST: 'true', MOVIELENS_DIR: dataset!, REPLAY_START_YEAR: 'auto' });
  });
  afterAll(() => t.close());

  it('serves user 1 personalised recommendations and The Matrix similar movies', async () => {
    // The whole load and the first training, on a machine possibly shared: up to ten minutes.
    const list = await poll(t, '/users/1/recommendations', (status) => status === 200, 6000);
    expect(list.fallback).toBeNull();
    expect(list.items.length).toBeGreaterThan(0);
    const similar = await t.http.get('/movies/2571/similar').expect(200);
    expect(similar.body.items.length).toBeGreaterThan(0);
    expect(similar.body.items[0].reason).toBe('rated alike with Matrix, The (1999)');
  }, 700_000);

  it('loaded everything before 2015 first and replays 2015 to 2018 one year per run', async () => {
    const batches = await t.app
      .get(DataSource)
      .query(`SELECT period, ratings_rows FROM data_batches WHERE status = 'applied' ORDER BY version`);
    expect(batches.map((b: { period: string }) => b.period)).toEqual(['before 2015']);
    const runner = t.app.get(PipelineRunner);
    const periods: string[] = [];
    for (let run = 0; run < 6; run++) {
      const result = await runner.run({ trigger: 'cli', until: 'transform' });
      if (result!.summary!.startsWith('no new data')) break;
      const [batch] = await t.app
        .get(DataSource)
        .query(`SELECT period FROM data_batches WHERE id = (SELECT max(id) FROM data_batches)`);
      periods.push(batch.period);
    }
    expect(periods).toEqual(['2015', '2016', '2017', '2018']);
  }, 300_000);
});

/** Asks `path` until `ready` holds for the answer (`attempts` times, 100 ms apart), and returns its body. */
async function poll(
  t: TestApp,
  path: string,
  ready: (status: number, body: Response['body']) => unknown,
  attempts = 600,
): Promise<Response['body']> {
  let last: { status: number; body: unknown } | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const { status, body } = await t.http.get(path);
    last = { status, body };
    if (ready(status, body)) return body;
    await sleep(100);
  }
  throw new Error(`${path} never got ready: ${JSON.stringify(last)}`);
}
