import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectEmbedded, postmasterPid } from './support/embedded.js';
import { freePort } from './support/ports.js';
import { getJson, isAlive, runCli, type RunningApp, startServer, waitUntil } from './support/processes.js';

/**
 * An operator's first day, as processes: the server on its embedded PostgreSQL, stopped during its
 * first training by a Ctrl-C (a SIGINT to the terminal's process group), then killed (-9) during
 * the training of its next start, then started once more — and serving a personalised list with no
 * other command. Generated data sized so that a training lasts some seconds.
 */
describe('a first start interrupted during training', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-interrupted-'));
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    const synth = runCli(
      ['synth', '--out', data, '--ratings', '100000', '--users', '4000', '--movies', '2500', '--seed', '3'],
      {},
    );
    expect(synth.status).toBe(0);
    chmodSync(data, 0o755);
    env = {
      PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
      PG_DATA_DIR: join(dir, 'pg'),
      MOVIELENS_DIR: data,
      REPLAY_START_YEAR: 'auto',
      PIPELINE_CRON: 'off',
      // Evaluation on a sample: the point here is what a stop does, not the figures.
      EVALUATION_MAX_USERS: '200',
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const runs = () =>
    query<{ id: number; trigger: string; status: string; error: string | null }>(
      'SELECT id, trigger, status, error FROM pipeline_runs ORDER BY id',
    );
  const postmaster = () => postmasterPid(env.PG_DATA_DIR!);
  const trainingStarted = (server: RunningApp, run: number) =>
    waitUntil(
      async () => new RegExp(`"runId":${run},"stage":"train","status":"running"`).test(server.output()),
      `run ${run} to start training`,
      120_000,
    );
  /** A query on the server's database (while a server runs, with the folder's password). */
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const client = await connectEmbedded(env, 'superuser');
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('stops cleanly on Ctrl-C, recovers after a kill -9, and serves a known user without any other command', async () => {
    // 1. Ctrl-C during the first training: the app stops first, its database last.
    const first = startServer(env, { ownGroup: true });
    await trainingStarted(first, 1);
    const database = postmaster();
    const stopping = Date.now();
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(20_000);
    // The run was recorded cancelled — the database still answered when the app stopped it.
    await waitUntil(async () => first.output().includes('embedded PostgreSQL stopped'), 'the log flushed');
    expect(first.output()).toContain(
      'pipeline run 1 cancelled in stage train: the process is stopping (SIGINT)',
    );
    expect(first.output()).not.toContain('ECONNREFUSED');
    expect(isAlive(database)).toBe(false);

    // 2. The next start trains the loaded data at once; a kill -9 during that training.
    const second = startServer(env, { ownGroup: true });
    await trainingStarted(second, 2);
    expect(second.output()).toContain('has no model: training it now');
    // The run starts before the HTTP server listens: its first answer may come a moment later.
    await waitUntil(async () => (await getJson(`${second.baseUrl}/status`)).status > 0, 'an answer');
    const notReady = await getJson(`${second.baseUrl}/status`);
    expect(notReady.status).toBe(503);
    expect(notReady.body.message).toContain('pipeline run 2 (startup) is at stage train');
    second.child.kill('SIGKILL');
    await second.exited;

    // 3. Started again: it serves a personalised list to a user of the loaded data, by itself.
    const third = startServer(env, { ownGroup: true });
    try {
      await waitUntil(
        async () => (await getJson(`${third.baseUrl}/status`)).status === 200,
        'a model',
        180_000,
      );
      const [known] = await query<{ user_id: number }>(
        'SELECT user_id FROM ratings GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1',
      );
      const list = await getJson(`${third.baseUrl}/users/${known!.user_id}/recommendations`);
      expect(list.status).toBe(200);
      expect(list.body.fallback).toBeNull();
      expect((await getJson(`${third.baseUrl}/status`)).status).toBe(200);
      expect((await runs()).map((run) => [run.id, run.trigger, run.status])).toEqual([
        [1, 'startup', 'cancelled'],
        [2, 'startup', 'failed'], // killed: marked interrupted by the next start
        [3, 'startup', 'succeeded'],
      ]);
      expect((await runs())[1]!.error).toMatch(/^interrupted: the process running it/);
    } finally {
      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);
    }
  }, 300_000);
});
