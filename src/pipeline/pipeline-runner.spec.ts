import { executeStages } from './pipeline-runner.js';
import type { RunProgress } from './pipeline-runs.repository.js';
import type { RunState } from './run-state.js';
import type { Stage } from './stages.js';

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function harness(
  stages: Stage[],
  options: { failSaves?: boolean; failCleanup?: boolean; signal?: AbortSignal } = {},
) {
  const saved: RunProgress[] = [];
  const cleanedUp: RunState[] = [];
  const state: RunState = {
    runId: 1,
    options: { trigger: 'cli' },
    progress: undefined as never,
    signal: options.signal,
  };
  const recorder = {
    save: async (run: RunProgress) => {
      if (options.failSaves && run.status === 'running') throw new Error('database away');
      saved.push(structuredClone(run));
    },
  };
  const cleanUp = async (s: RunState) => {
    cleanedUp.push(s);
    if (options.failCleanup) throw new Error('rollback failed');
  };
  return { saved, cleanedUp, state, run: () => executeStages(stages, state, recorder, cleanUp, quietLogger) };
}

const ok = (name: string, rows?: number): Stage => ({ name, run: async () => ({ rows }) });

describe('executeStages', () => {
  it('runs every stage in order, records each and succeeds', async () => {
    const order: string[] = [];
    const stages = ['a', 'b', 'c'].map((name) => ({
      name,
      run: async () => (order.push(name), { rows: 1 }),
    }));
    const { saved, cleanedUp, state, run } = harness(stages);
    await expect(run()).resolves.toEqual({ status: 'succeeded', summary: 'completed', error: null });
    expect(order).toEqual(['a', 'b', 'c']);
    const last = saved.at(-1)!;
    expect(last.stages.map((s) => [s.name, s.status, s.rows])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 1],
      ['c', 'succeeded', 1],
    ]);
    expect(saved.slice(0, 3).map((s) => s.status)).toEqual(['running', 'running', 'running']);
    expect(cleanedUp).toEqual([state]);
  });

  it('fails the run at the failing stage, skips the rest and still cleans up', async () => {
    let laterStageRan = false;
    const stages: Stage[] = [
      ok('a'),
      { name: 'b', run: async () => Promise.reject(new Error('boom')) },
      { name: 'c', run: async () => ((laterStageRan = true), {}) },
    ];
    const { saved, cleanedUp, run } = harness(stages);
    await expect(run()).resolves.toEqual({ status: 'failed', summary: null, error: 'stage b failed: boom' });
    expect(laterStageRan).toBe(false);
    expect(saved.at(-1)!.stages.map((s) => [s.name, s.status, s.error])).toEqual([
      ['a', 'succeeded', undefined],
      ['b', 'failed', 'boom'],
      ['c', 'skipped', undefined],
    ]);
    expect(cleanedUp).toHaveLength(1);
  });

  it('ends early as a success when a stage says the run is finished', async () => {
    const stages: Stage[] = [ok('a'), { name: 'b', run: async () => ({ finish: 'no new data' }) }, ok('c')];
    const { saved, run } = harness(stages);
    await expect(run()).resolves.toEqual({ status: 'succeeded', summary: 'no new data', error: null });
    expect(saved.at(-1)!.stages.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'skipped']);
  });

  it('records a stage that found nothing to do as skipped, with its reason, and goes on', async () => {
    const stages: Stage[] = [
      { name: 'a', run: async () => ({ skipped: 'no model in production', detail: { events: 0 } }) },
      ok('b'),
    ];
    const { saved, run } = harness(stages);
    await expect(run()).resolves.toEqual({ status: 'succeeded', summary: 'completed', error: null });
    expect(saved.at(-1)!.stages.map((s) => [s.name, s.status, s.detail])).toEqual([
      ['a', 'skipped', { reason: 'no model in production', events: 0 }],
      ['b', 'succeeded', undefined],
    ]);
  });

  it('records what the stages left in the run state', async () => {
    const stages: Stage[] = [
      {
        name: 'a',
        run: async (state) => {
          state.batchId = 5;
          state.dataVersion = 3;
          return {};
        },
      },
    ];
    const { saved, run } = harness(stages);
    await run();
    expect(saved.at(-1)).toMatchObject({ status: 'succeeded', batchId: 5, dataVersion: 3 });
  });

  it('is not stopped by a history write or a cleanup that fails', async () => {
    const { saved, run } = harness([ok('a'), ok('b')], { failSaves: true, failCleanup: true });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded' });
    expect(saved).toHaveLength(1);
    expect(saved[0]!.status).toBe('succeeded');
  });

  it('cancels the stage under way when the signal is aborted, starts no other, and cleans up', async () => {
    const stopping = new AbortController();
    let laterStageRan = false;
    const stages: Stage[] = [
      ok('a'),
      {
        name: 'train',
        // As a worker does: the abort ends the work with the signal's reason.
        run: (_state) =>
          new Promise((_resolve, reject) => {
            stopping.signal.addEventListener('abort', () => reject(stopping.signal.reason as Error));
            stopping.abort(new Error('the process is stopping (SIGTERM)'));
          }),
      },
      { name: 'c', run: async () => ((laterStageRan = true), {}) },
    ];
    const { saved, cleanedUp, run } = harness(stages, { signal: stopping.signal });
    await expect(run()).resolves.toEqual({
      status: 'cancelled',
      summary: null,
      error: 'cancelled in stage train: the process is stopping (SIGTERM)',
    });
    expect(laterStageRan).toBe(false);
    expect(saved.at(-1)!.status).toBe('cancelled');
    expect(saved.at(-1)!.stages.map((s) => [s.name, s.status])).toEqual([
      ['a', 'succeeded'],
      ['train', 'cancelled'],
      ['c', 'skipped'],
    ]);
    expect(cleanedUp).toHaveLength(1);
  });

  it('cancels before the next stage when the signal is aborted between stages', async () => {
    const stopping = new AbortController();
    const stages: Stage[] = [
      { name: 'a', run: async () => (stopping.abort(new Error('stopping')), {}) },
      ok('b'),
      ok('c'),
    ];
    const { saved, run } = harness(stages, { signal: stopping.signal });
    await expect(run()).resolves.toMatchObject({
      status: 'cancelled',
      error: 'cancelled in stage b: stopping',
    });
    expect(saved.at(-1)!.stages.map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'skipped']);
  });

  it('fails, not cancels, a stage that fails while nothing is stopping', async () => {
    const { run } = harness([{ name: 'a', run: async () => Promise.reject(new Error('boom')) }], {
      signal: new AbortController().signal,
    });
    await expect(run()).resolves.toMatchObject({ status: 'failed' });
  });
});
