import { OAuthException } from './oauth-error.js';
import { SecretChecks } from './secret-checks.js';

const LIMITS = { failuresPerMinute: 3, maxLockoutMs: 15 * 60_000, concurrency: 1, maxQueue: 1 };

async function refusal(action: () => Promise<unknown>): Promise<OAuthException> {
  try {
    await action();
  } catch (error) {
    return error as OAuthException;
  }
  throw new Error('expected a refusal');
}

describe('SecretChecks', () => {
  it('locks a client id out after its failures, without checking the secret again', async () => {
    const checks = new SecretChecks(LIMITS);
    let compared = 0;
    const wrong = () => (compared++, Promise.resolve(false));
    for (let attempt = 0; attempt < 3; attempt++) expect(await checks.check('ops', wrong, false)).toBe(false);
    const locked = await refusal(() => checks.check('ops', () => Promise.resolve(true), false));
    expect(locked).toMatchObject({ code: 'temporarily_unavailable', retryAfterSeconds: 60 });
    expect(locked.getStatus()).toBe(429);
    expect(compared).toBe(3);
    // Another client is not affected.
    expect(await checks.check('viewer', () => Promise.resolve(true), false)).toBe(true);
  });

  it('refuses an unknown id without a comparison, and locks it out like a known one', async () => {
    const checks = new SecretChecks(LIMITS);
    checks.recordDuration(5);
    for (let attempt = 0; attempt < 3; attempt++)
      expect(await checks.check('nobody', undefined, false)).toBe(false);
    expect((await refusal(() => checks.check('nobody', undefined, false))).getStatus()).toBe(429);
  });

  it('holds a burst for one id to the lockout number of checks, counting those under way', async () => {
    const checks = new SecretChecks({ ...LIMITS, maxQueue: 10 });
    let compared = 0;
    const slow = () => (compared++, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20)));
    const answers = await Promise.allSettled(
      Array.from({ length: 8 }, () => checks.check('ops', slow, false)),
    );
    expect(compared).toBe(3);
    const refused = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refused).toHaveLength(5);
    expect(refused[0]!.reason).toMatchObject({ code: 'temporarily_unavailable', retryAfterSeconds: 1 });
    expect((refused[0]!.reason as OAuthException).getStatus()).toBe(429);
  });

  it('answers 503 with Retry-After when every slot is busy and the queue is full', async () => {
    const checks = new SecretChecks(LIMITS);
    let release!: () => void;
    const slow = () => new Promise<boolean>((resolve) => (release = () => resolve(true)));
    const running = checks.check('ops', slow, false);
    const queued = checks.check('ops', () => Promise.resolve(true), false);
    const busy = await refusal(() => checks.check('ops', () => Promise.resolve(true), true));
    expect(busy).toMatchObject({ code: 'temporarily_unavailable', retryAfterSeconds: 1, viaBasicAuth: true });
    expect(busy.getStatus()).toBe(503);
    // An unknown id too, so that a full queue does not tell ids apart.
    expect((await refusal(() => checks.check('nobody', undefined, false))).getStatus()).toBe(503);
    release();
    expect(await Promise.all([running, queued])).toEqual([true, true]);
  });
});
