import { restartDelayMs } from './embedded-postgres.js';

describe('restarts of the embedded PostgreSQL', () => {
  it('wait half a second, then twice as long each time, at most 8 s: 8 attempts within 40 s', () => {
    const waits = Array.from({ length: 8 }, (_, i) => restartDelayMs(i + 1));
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(39_500);
  });
});
