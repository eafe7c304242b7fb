import { FIRST_LOAD_ATTEMPTS, retryDelayMs } from './first-start-loader.js';

describe('first-start load retries', () => {
  it('waits twice as long after each failed attempt, at most a quarter of an hour', () => {
    const waits = Array.from({ length: FIRST_LOAD_ATTEMPTS - 1 }, (_, i) => retryDelayMs(10_000, i + 1));
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000]);
    expect(retryDelayMs(10_000, 20)).toBe(15 * 60_000);
  });
});
