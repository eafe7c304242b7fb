/** A refusal: how long until the oldest counted request leaves the window. */
export interface Refusal {
  /** The key that is over its limit. */
  key: string;
  limit: number;
  retryAfterMs: number;
}

export interface SlidingWindowOptions {
  windowMs: number;
  /** Keys remembered at most; the least recently used are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * An exact sliding-window limit: at most `limit` requests of a key in any `windowMs`, whatever
 * the window's position. A fixed window lets `limit` through at the end of one window and again at
 * the start of the next, twice the limit within a moment; here each key keeps the times of its
 * requests still in the window (at most `limit` numbers), so memory is bounded by the key count
 * times the largest limit. Refused requests are not counted: a client that keeps trying is let in
 * as soon as its oldest request leaves the window.
 */
export class SlidingWindowLimiter {
  private readonly times = new Map<string, number[]>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: SlidingWindowOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Counts one request against every key, or refuses it (counting it against none) when any key
   * is at its limit: a refusal by one limit does not use up another's.
   */
  take(keys: readonly { key: string; limit: number }[]): Refusal | undefined {
    const now = this.now();
    const since = now - this.options.windowMs;
    let refusal: Refusal | undefined;
    for (const { key, limit } of keys) {
      const times = this.times.get(key);
      if (!times) continue;
      while (times.length > 0 && times[0]! <= since) times.shift();
      if (times.length >= limit) {
        const retryAfterMs = times[times.length - limit]! + this.options.windowMs - now;
        if (!refusal || retryAfterMs > refusal.retryAfterMs) refusal = { key, limit, retryAfterMs };
      }
    }
    if (refusal) return refusal;
    for (const { key } of keys) {
      const times = this.times.get(key) ?? [];
      times.push(now);
      this.times.delete(key);
      this.times.set(key, times);
      if (this.times.size > this.maxKeys) this.times.delete(this.times.keys().next().value!);
    }
    return undefined;
  }

  /** Requests of `key` still in the window. */
  count(key: string): number {
    const since = this.now() - this.options.windowMs;
    return (this.times.get(key) ?? []).filter((time) => time > since).length;
  }
}
