import { SlidingWindowLimiter } from './sliding-window.js';

function limiter(windowMs = 60_000, maxKeys?: number) {
  let now = 1_000_000;
  const sliding = new SlidingWindowLimiter({ windowMs, maxKeys, now: () => now });
  return {
    sliding,
    at: (ms: number) => (now = 1_000_000 + ms),
    take: (limit: number, ...keys: string[]) => sliding.take(keys.map((key) => ({ key, limit }))),
  };
}

describe('SlidingWindowLimiter', () => {
  it('lets `limit` requests through in a window, then refuses with the wait until the oldest leaves', () => {
    const { at, take } = limiter();
    for (let i = 0; i < 5; i++) {
      at(i * 1000);
      expect(take(5, 'a')).toBeUndefined();
    }
    at(10_000);
    expect(take(5, 'a')).toEqual({ key: 'a', limit: 5, retryAfterMs: 50_000 });
    at(60_000);
    expect(take(5, 'a')).toBeUndefined();
  });

  it('never lets more than the limit through in any window, across what a fixed window calls a boundary', () => {
    const { at, take } = limiter();
    const accepted: number[] = [];
    // A request every 100 ms for three minutes: bursts at the end and start of every minute too.
    for (let ms = 0; ms < 180_000; ms += 100) {
      at(ms);
      if (take(600, 'client') === undefined) accepted.push(ms);
    }
    for (let start = 0; start < 180_000; start += 500) {
      const inWindow = accepted.filter((ms) => ms >= start && ms < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(600);
    }
    // The fixed-window burst: the limit at 59.9 s and again at 60.1 s is refused here.
    const { at: at2, take: take2 } = limiter();
    at2(59_900);
    for (let i = 0; i < 10; i++) expect(take2(10, 'k')).toBeUndefined();
    at2(60_100);
    expect(take2(10, 'k')).toMatchObject({ key: 'k', retryAfterMs: 59_800 });
  });

  it('keeps keys apart, and a refusal by one key counts against none', () => {
    const { take, sliding } = limiter();
    expect(take(1, 'client:a', 'user:1')).toBeUndefined();
    expect(take(1, 'client:a', 'user:2')).toMatchObject({ key: 'client:a' });
    expect(sliding.count('user:2')).toBe(0);
    expect(take(1, 'client:b', 'user:2')).toBeUndefined();
    expect(
      sliding.take([
        { key: 'client:c', limit: 10 },
        { key: 'user:1', limit: 1 },
      ]),
    ).toMatchObject({
      key: 'user:1',
    });
    expect(sliding.count('client:c')).toBe(0);
  });

  it('names the key that waits longest when several are over', () => {
    const { at, sliding } = limiter();
    sliding.take([{ key: 'u', limit: 1 }]);
    at(30_000);
    sliding.take([{ key: 'c', limit: 1 }]);
    expect(
      sliding.take([
        { key: 'u', limit: 1 },
        { key: 'c', limit: 1 },
      ]),
    ).toEqual({
      key: 'c',
      limit: 1,
      retryAfterMs: 60_000,
    });
  });

  it('forgets the least recently used keys beyond maxKeys', () => {
    const { take, sliding } = limiter(60_000, 2);
    take(1, 'a');
    take(1, 'b');
    take(1, 'c');
    expect(sliding.count('a')).toBe(0);
    expect(sliding.count('b')).toBe(1);
    expect(sliding.count('c')).toBe(1);
  });
});
