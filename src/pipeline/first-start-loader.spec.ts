import { FIRST_LOAD_ATTEMPTS, retryDelayMs, startUpRun } from './first-start-loader.js';

describe('first-start load retries', () => {
  it('waits twice as long after each failed attempt, at most a quarter of an hour', () => {
    const waits = Array.from({ length: FIRST_LOAD_ATTEMPTS - 1 }, (_, i) => retryDelayMs(10_000, i + 1));
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000]);
    expect(retryDelayMs(10_000, 20)).toBe(15 * 60_000);
  });
});

describe('the run a start needs', () => {
  it('loads the first batch on an empty database', () => {
    expect(startUpRun({ dataVersion: 0, decidedUpTo: 0, hasProduction: false })?.options).toEqual({});
  });

  it('trains the newest data, reading no source, when no model was decided on it (an interrupted start)', () => {
    const run = startUpRun({ dataVersion: 3, decidedUpTo: 2, hasProduction: true });
    expect(run?.options).toEqual({ source: { kind: 'none' } });
    expect(run?.why).toContain('data version 3 has no model');
  });

  it('trains again when nothing is in production, even on data a model was decided on', () => {
    expect(startUpRun({ dataVersion: 1, decidedUpTo: 1, hasProduction: false })?.options).toEqual({
      source: { kind: 'none' },
      retrain: true,
    });
  });

  it('runs nothing when the newest data has a model and one is in production', () => {
    expect(startUpRun({ dataVersion: 4, decidedUpTo: 4, hasProduction: true })).toBeUndefined();
  });
});
