import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpStatus } from '@nestjs/common';
import { BackoffStore } from '../common/backoff-store.js';
import { BoundedConcurrency, SaturatedError } from '../common/bounded-concurrency.js';
import { OAuthException } from './oauth-error.js';

const MINUTE_MS = 60_000;

export interface SecretCheckLimits {
  /** Wrong secrets for one client id within a minute that lock it out (the last one included). */
  failuresPerMinute: number;
  /** A lockout lasts a minute, doubling for each minute in a row it recurs, up to this. */
  maxLockoutMs: number;
  /** Secret checks (scrypt) running at once in the process. */
  concurrency: number;
  /** Checks waiting for a slot; one more is refused (503) instead of waiting. */
  maxQueue: number;
}

/**
 * Half the cores for hashing at most, so serving keeps the rest, and never all four threads of
 * libuv's pool, which file reads and DNS share with scrypt.
 */
const DEFAULT_SECRET_CHECK_LIMITS: SecretCheckLimits = {
  failuresPerMinute: 10,
  maxLockoutMs: 15 * MINUTE_MS,
  concurrency: Math.min(3, Math.max(1, Math.floor(availableParallelism() / 2))),
  maxQueue: 16,
};

/** Recent check durations kept to time an unknown client's refusal like a real check. */
const DURATION_SAMPLES = 64;

/**
 * What a wrong client secret may cost the server. Each check is a scrypt (35–180 ms of a core), so
 * every refusal that can be decided without one is: a client id that keeps failing is locked out
 * (429 with Retry-After) before any hash; an unknown client id is never hashed; and the checks
 * that do run share a fixed number of slots with a bounded queue (beyond it 503 with Retry-After).
 *
 * An unknown id is refused after a wait drawn from the recent checks' durations (a timer, no CPU),
 * and is locked out after as many failures as a known one, so neither the response time nor the
 * lockout tells which ids exist. Known and unknown ids are counted in separate stores: made-up ids
 * cannot push a real client's lockout out of memory.
 */
export class SecretChecks {
  private readonly knownFailures: BackoffStore;
  private readonly unknownFailures: BackoffStore;
  private readonly gate: BoundedConcurrency;
  /** Checks under way per client id (known or not); an id leaves the map when it has none. */
  private readonly pending = new Map<string, number>();
  private readonly durations: number[] = [];
  private nextDuration = 0;

  constructor(private readonly limits: SecretCheckLimits = DEFAULT_SECRET_CHECK_LIMITS) {
    this.knownFailures = new BackoffStore({ maxBanMs: limits.maxLockoutMs });
    this.unknownFailures = new BackoffStore({ maxBanMs: limits.maxLockoutMs });
    this.gate = new BoundedConcurrency(limits.concurrency, limits.maxQueue);
  }

  /**
   * Whether the secret is right: `compare` runs it for a known client, never for an unknown one
   * (`compare` undefined), which is refused like a wrong secret. Throws the 429 of a locked-out id
   * and the 503 of a full queue.
   */
  async check(
    clientId: string,
    compare: (() => Promise<boolean>) | undefined,
    viaBasicAuth: boolean,
  ): Promise<boolean> {
    const failures = compare ? this.knownFailures : this.unknownFailures;
    const locked = failures.banned(clientId);
    if (locked > 0) {
      const seconds = Math.ceil(locked / 1000);
      throw new OAuthException(
        'temporarily_unavailable',
        `too many failed attempts for this client; retry in ${seconds} s`,
        viaBasicAuth,
        { status: HttpStatus.TOO_MANY_REQUESTS, afterSeconds: seconds },
      );
    }
    // Checks of this id already under way count as failures to come: a burst for one id is held
    // to the lockout's number of checks, not to as many as arrive before the first one fails.
    const pending = this.pending.get(clientId) ?? 0;
    if (failures.count(clientId) + pending >= this.limits.failuresPerMinute) {
      throw new OAuthException(
        'temporarily_unavailable',
        'too many attempts for this client at once; retry in 1 s',
        viaBasicAuth,
        { status: HttpStatus.TOO_MANY_REQUESTS, afterSeconds: 1 },
      );
    }
    if (this.gate.saturated) throw busy(viaBasicAuth);
    this.pending.set(clientId, pending + 1);
    try {
      return await this.compareOrWait(clientId, failures, compare, viaBasicAuth);
    } finally {
      const left = (this.pending.get(clientId) ?? 1) - 1;
      if (left > 0) this.pending.set(clientId, left);
      else this.pending.delete(clientId);
    }
  }

  private async compareOrWait(
    clientId: string,
    failures: BackoffStore,
    compare: (() => Promise<boolean>) | undefined,
    viaBasicAuth: boolean,
  ): Promise<boolean> {
    let matches = false;
    if (compare) {
      try {
        matches = await this.gate.run(async () => {
          const started = performance.now();
          const result = await compare();
          this.recordDuration(performance.now() - started);
          return result;
        });
      } catch (error) {
        throw error instanceof SaturatedError ? busy(viaBasicAuth) : error;
      }
    } else {
      await sleep(this.typicalDuration());
    }
    if (!matches) failures.hit(clientId, MINUTE_MS, this.limits.failuresPerMinute - 1);
    return matches;
  }

  /**
   * A check's own duration, for the unknown ids' wait. Not its queue wait: after a burst that
   * filled the queue, every unknown id would otherwise be held for seconds, long after it emptied.
   */
  recordDuration(ms: number): void {
    this.durations[this.nextDuration] = ms;
    this.nextDuration = (this.nextDuration + 1) % DURATION_SAMPLES;
  }

  private typicalDuration(): number {
    if (this.durations.length === 0) return 0;
    return this.durations[Math.floor(Math.random() * this.durations.length)]!;
  }
}

function busy(viaBasicAuth: boolean): OAuthException {
  return new OAuthException(
    'temporarily_unavailable',
    'too many client secrets are being checked; retry in 1 s',
    viaBasicAuth,
    { status: HttpStatus.SERVICE_UNAVAILABLE, afterSeconds: 1 },
  );
}
