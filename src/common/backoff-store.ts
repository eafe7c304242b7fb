/** The per-route options @fastify/rate-limit hands a store's child(); ours add `maxBanMs`. */
export interface BackoffOptions {
  /** When set, each window in which a key went over the limit doubles its next ban, up to this. */
  maxBanMs?: number;
}

/** Requests of a key in its current window. */
interface Window {
  count: number;
  start: number;
  length: number;
}

/** A key that went over its limit: refused until `until`; `strikes` bans in a row before this one. */
interface Ban {
  count: number;
  until: number;
  strikes: number;
  /** A key that stays within the limit for a window after its ban is forgiven from then on. */
  forgiveAt: number;
}

type Callback = (error: Error | null, result: { current: number; ttl: number }) => void;

/** Windows remembered at most; the least recently seen are forgotten first. */
const COUNTER_CAPACITY = 10_000;
/**
 * Bans remembered at most. Each takes a key going over its limit (31 token requests), so filling
 * this takes millions of requests; a new address only ever lands in the counters.
 */
const BAN_CAPACITY = 100_000;

/**
 * A fixed-window counter store for @fastify/rate-limit whose ban grows for repeat offenders: a key
 * that goes over the limit waits a window, the next time two, then four… up to `maxBanMs`; a
 * window within the limit forgives it. The plugin's own `exponentialBackoff` doubles per request
 * made while limited (the Retry-After it announces passes hours after a few dozen requests) yet
 * lets the key in again one window after its last request, so it neither tells the truth nor grows
 * the wait between attempts. In memory, per process, like the plugin's default store.
 *
 * Bans live apart from the window counters: the counters are an LRU that any stream of new
 * addresses turns over, and a ban kept among them would be forgotten after COUNTER_CAPACITY new
 * addresses, letting the banned key in again.
 */
export class BackoffStore {
  private readonly windows = new Map<string, Window>();
  private readonly bans = new Map<string, Ban>();
  private lastSweep = 0;

  constructor(private readonly options: BackoffOptions = {}) {}

  /** The store of one route; @fastify/rate-limit passes the route's merged options. */
  child(options: object): BackoffStore {
    return new BackoffStore({ maxBanMs: (options as BackoffOptions).maxBanMs });
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    callback(null, this.hit(key, timeWindow, max));
  }

  /** Counts one request of `key`; `current` > `max` means it is refused for `ttl` ms. */
  hit(key: string, timeWindow: number, max: number): { current: number; ttl: number } {
    const now = Date.now();
    const ban = this.bans.get(key);
    if (ban && now < ban.until) {
      ban.count++;
      return { current: ban.count, ttl: ban.until - now };
    }
    let window = this.windows.get(key);
    if (!window || now >= window.start + window.length) {
      window = { count: 0, start: now, length: timeWindow };
    }
    window.count++;
    if (window.count <= max) {
      this.windows.delete(key);
      this.windows.set(key, window);
      evictOldest(this.windows, COUNTER_CAPACITY);
      return { current: window.count, ttl: window.start + window.length - now };
    }
    const strikes = ban && now < ban.forgiveAt ? ban.strikes + 1 : 0;
    const length =
      this.options.maxBanMs === undefined
        ? window.start + window.length - now
        : Math.min(timeWindow * 2 ** Math.min(strikes, 30), this.options.maxBanMs);
    this.windows.delete(key);
    this.bans.delete(key);
    this.bans.set(key, {
      count: window.count,
      until: now + length,
      strikes,
      forgiveAt: now + length + timeWindow,
    });
    this.evictBans(now);
    return { current: window.count, ttl: length };
  }

  /** Requests of `key` counted in its current window (0 when it has none). */
  count(key: string): number {
    const window = this.windows.get(key);
    return window && Date.now() < window.start + window.length ? window.count : 0;
  }

  /** How long `key` is still banned, in ms; 0 when it is not. */
  banned(key: string): number {
    const ban = this.bans.get(key);
    return ban ? Math.max(0, ban.until - Date.now()) : 0;
  }

  read(key: string, callback: Callback): void {
    const now = Date.now();
    const ban = this.bans.get(key);
    if (ban && now < ban.until) return callback(null, { current: ban.count, ttl: ban.until - now });
    const window = this.windows.get(key);
    if (!window || now >= window.start + window.length) callback(null, { current: 0, ttl: 0 });
    else callback(null, { current: window.count, ttl: window.start + window.length - now });
  }

  /** Forgiven bans go first; only when every one is still live does the oldest ban go. */
  private evictBans(now: number): void {
    if (this.bans.size <= BAN_CAPACITY) return;
    // At most one sweep a second: with every ban live, each new one would otherwise scan them all.
    if (now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      for (const [key, ban] of this.bans) {
        if (now >= ban.forgiveAt) this.bans.delete(key);
      }
    }
    evictOldest(this.bans, BAN_CAPACITY);
  }
}

function evictOldest(map: Map<string, unknown>, capacity: number): void {
  while (map.size > capacity) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
}
