import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { type RunningApp, startServer, waitUntil } from './support/processes.js';

interface RunRow {
  id: number;
  status: string;
  scheduled_for: Date | null;
  runner: string;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * Two server processes on one database, the cron firing every 2 seconds for a minute, the fixture
 * replayed month by month so that nearly every tick has a batch to apply.
 */
describe('two replicas with the pipeline scheduled every 2 seconds', () => {
  let db: TestDatabase;
  let replicas: RunningApp[] = [];
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    await client.end();
    await db.drop();
  });

  it('never runs two at once, runs each tick once, and applies no batch twice', async () => {
    const env = {
      ...FIXTURE_ENV,
      DATABASE_URL: db.url,
      PIPELINE_CRON: '*/2 * * * * *',
      REPLAY_PERIOD: 'month',
      MAX_BAD_ROW_SHARE: '1',
      LOG_LEVEL: 'warn',
    };
    replicas = [startServer({ ...env, PORT: String(await freePort()) })];
    replicas.push(startServer({ ...env, PORT: String(await freePort()) }));
    for (const replica of replicas) {
      await waitUntil(async () => (await fetch(`${replica.baseUrl}/status`)).ok, 'replica up');
    }
    await sleep(60_000);
    for (const replica of replicas) replica.child.kill('SIGTERM');
    await Promise.all(replicas.map((replica) => replica.exited));

    const { rows: runs } = await client.query<RunRow>('SELECT * FROM pipeline_runs ORDER BY started_at');
    expect(runs.length).toBeGreaterThanOrEqual(20);
    // Never two active runs: each starts after the previous one finished.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished_at!.getTime());
    }
    const ticks = runs.map((run) => run.scheduled_for?.toISOString());
    expect(new Set(ticks).size).toBe(ticks.length);
    // Both replicas took turns.
    expect(new Set(runs.map((run) => run.runner)).size).toBe(2);
    expect(runs.filter((run) => run.status !== 'succeeded')).toEqual([]);

    const { rows: periods } = await client.query<{ period: string; n: number }>(
      `SELECT period, count(*)::int AS n FROM data_batches WHERE status = 'applied' GROUP BY period HAVING count(*) > 1`,
    );
    expect(periods).toEqual([]);
    const {
      rows: [totals],
    } = await client.query<{ applied: number; stored: number }>(
      `SELECT (SELECT sum(ratings_rows) FROM data_batches WHERE status = 'applied')::int AS applied,
              (SELECT count(*) FROM ratings)::int AS stored`,
    );
    expect(totals!.applied).toBe(totals!.stored);
  }, 120_000);
});
