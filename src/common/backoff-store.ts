/** The per-route options @fastify/rate-limit hands a store's child(); ours add `maxBanMs`. */
export interface BackoffOptions {
  /** When set, each window in which a key went over the limit doubles its next ban, up to this. */
  maxBanMs?: number;
}

interface Entry {
  /** Requests in the current window. */
  count: number;
  /** When the current window (or ban) started, and how long it lasts. */
  start: number;
  length: number;
  /** Windows in a row that went over the limit, before this one. */
  strikes: number;
  exceeded: boolean;
}

type Callback = (error: Error | null, result: { current: number; ttl: number }) => void;

/** Keys remembered at most; the least recently seen are forgotten first. */
const CAPACITY = 10_000;

/**
 * A fixed-window counter store for @fastify/rate-limit whose ban grows for repeat offenders: a key
 * that goes over the limit waits a window, the next time two, then four… up to `maxBanMs`; a
 * window within the limit forgives it. The plugin's own `exponentialBackoff` doubles per request
 * made while limited (the Retry-After it announces passes hours after a few dozen requests) yet
 * lets the key in again one window after its last request, so it neither tells the truth nor grows
 * the wait between attempts. In memory, per process, like the plugin's default store.
 */
export class BackoffStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: BackoffOptions = {}) {}

  /** The store of one route; @fastify/rate-limit passes the route's merged options. */
  child(options: object): BackoffStore {
    return new BackoffStore({ maxBanMs: (options as BackoffOptions).maxBanMs });
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    const now = Date.now();
    let entry = this.entries.get(key);
    if (!entry || now >= entry.start + entry.length) {
      const strikes = entry?.exceeded ? entry.strikes + 1 : 0;
      entry = { count: 0, start: now, length: timeWindow, strikes, exceeded: false };
    }
    entry.count++;
    if (entry.count > max && !entry.exceeded) {
      entry.exceeded = true;
      if (this.options.maxBanMs !== undefined) {
        entry.start = now;
        entry.length = Math.min(timeWindow * 2 ** Math.min(entry.strikes, 30), this.options.maxBanMs);
      }
    }
    this.remember(key, entry);
    callback(null, { current: entry.count, ttl: entry.start + entry.length - now });
  }

  read(key: string, callback: Callback): void {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (!entry || now >= entry.start + entry.length) callback(null, { current: 0, ttl: 0 });
    else callback(null, { current: entry.count, ttl: entry.start + entry.length - now });
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
