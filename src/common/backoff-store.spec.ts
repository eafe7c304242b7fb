import { BackoffStore } from './backoff-store.js';

const MINUTE = 60_000;

function hit(store: BackoffStore, key = 'k', max = 2): { current: number; ttl: number } {
  let result = { current: 0, ttl: 0 };
  store.incr(key, (_error, value) => (result = value), MINUTE, max);
  return result;
}

describe('BackoffStore', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('counts in fixed windows without backoff by default', () => {
    const store = new BackoffStore();
    expect([hit(store), hit(store), hit(store)].map((r) => r.current)).toEqual([1, 2, 3]);
    vi.setSystemTime(MINUTE);
    expect(hit(store)).toEqual({ current: 1, ttl: MINUTE });
  });

  it('doubles the ban for each window in a row that went over the limit, up to the ceiling', () => {
    const store = new BackoffStore().child({ maxBanMs: 4 * MINUTE });
    const bans: number[] = [];
    for (let round = 0; round < 4; round++) {
      hit(store);
      hit(store);
      const over = hit(store);
      bans.push(over.ttl / MINUTE);
      // Asking during the ban does not extend it.
      expect(hit(store).ttl).toBe(over.ttl);
      vi.setSystemTime(Date.now() + over.ttl);
    }
    expect(bans).toEqual([1, 2, 4, 4]);
  });

  it('forgives a key after a window within the limit', () => {
    const store = new BackoffStore().child({ maxBanMs: 60 * MINUTE });
    for (let request = 0; request < 3; request++) hit(store);
    vi.setSystemTime(MINUTE);
    hit(store);
    vi.setSystemTime(2 * MINUTE);
    for (let request = 0; request < 2; request++) hit(store);
    expect(hit(store).ttl).toBe(MINUTE);
  });

  it('keeps keys apart, and reads without counting', () => {
    const store = new BackoffStore();
    hit(store, 'a');
    hit(store, 'a');
    hit(store, 'b');
    let read = { current: -1, ttl: -1 };
    store.read('a', (_error, value) => (read = value));
    expect(read.current).toBe(2);
    store.read('a', (_error, value) => (read = value));
    expect(read.current).toBe(2);
  });
});

describe('BackoffStore under a stream of new addresses', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('keeps a ban while 20,000 new addresses come and go', () => {
    const store = new BackoffStore().child({ maxBanMs: 60 * MINUTE });
    for (let request = 0; request < 3; request++) hit(store, 'address:203.0.113.7');
    expect(store.banned('address:203.0.113.7')).toBe(MINUTE);
    vi.setSystemTime(1000);
    for (let n = 0; n < 20_000; n++) hit(store, `address:10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`);
    const again = hit(store, 'address:203.0.113.7');
    expect(again.current).toBeGreaterThan(2);
    expect(again.ttl).toBe(MINUTE - 1000);
  });

  it('remembers a repeat offence past a flush of the counters, so its next ban doubles', () => {
    const store = new BackoffStore().child({ maxBanMs: 60 * MINUTE });
    for (let request = 0; request < 3; request++) hit(store);
    vi.setSystemTime(MINUTE);
    for (let n = 0; n < 20_000; n++) hit(store, `new-${n}`);
    for (let request = 0; request < 2; request++) hit(store);
    expect(hit(store).ttl).toBe(2 * MINUTE);
  });

  it('forgets counters of the least recently seen keys first', () => {
    const store = new BackoffStore();
    hit(store, 'old');
    for (let n = 0; n < 10_000; n++) hit(store, `new-${n}`);
    let read = { current: -1, ttl: -1 };
    store.read('old', (_error, value) => (read = value));
    expect(read.current).toBe(0);
  });
});
