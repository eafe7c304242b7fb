import type { AddressInfo } from 'node:net';
import { hashSecret } from '../src/config/secret-hash.js';
import { bootApp, type TestApp } from './support/app.js';

const JWT_SECRET = 'e2e-jwt-secret-of-at-least-32-characters';
const OPS = { id: 'ops', secret: 'ops-secret-0123456789', scopes: ['pipeline:read'] };
const VIEWER = { id: 'viewer', secret: 'viewer-secret-0123456789', scopes: ['pipeline:read'] };
/** More clients, so that a burst fills the hash queue within each one's 10 checks. */
const OTHERS = ['a', 'b', 'c', 'd', 'e'].map((id) => ({
  id,
  secret: `${id}-secret-0123456789abc`,
  scopes: ['pipeline:read'],
}));

/**
 * The token endpoint's failure path (issue 22): a client id that keeps failing is locked out
 * before any hash, and the hashes that run share a bounded number of slots and a bounded queue.
 * The secrets are scrypt hashes, as in production, so a check takes real time.
 */
describe('the token endpoint against a flood of wrong secrets', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    const clients = [];
    for (const client of [OPS, VIEWER, ...OTHERS])
      clients.push({ ...client, secret: await hashSecret(client.secret) });
    t = await bootApp({
      AUTH_CLIENTS: JSON.stringify(clients),
      JWT_SECRET,
      // The per-address limit out of the way: these tests are about what comes after it.
      TOKEN_RATE_LIMIT_PER_MINUTE: '10000',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  const ask = (clientId: string, secret: string) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    });

  it('locks a client id out after 10 wrong secrets in a minute, the right one refused too (429, OAuth shape)', async () => {
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await ask(OPS.id, `wrong-${attempt}`)).status).toBe(401);
    const locked = await ask(OPS.id, OPS.secret);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    expect(await locked.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many failed attempts for this client; retry in 60 s',
    });
    // Refused without a hash: far quicker than a check.
    const started = performance.now();
    expect((await ask(OPS.id, 'wrong-again')).status).toBe(429);
    expect(performance.now() - started).toBeLessThan(30);
    // Another client is not locked out.
    expect((await ask(VIEWER.id, VIEWER.secret)).status).toBe(200);
  });

  it('refuses an unknown client id as it refuses a known one, lockout included', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++)
      statuses.push((await ask('nobody', `wrong-${attempt}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
  });

  it('checks at most 10 secrets of one client id at once (429 beyond)', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 14 }, (_, n) => ask('a', `wrong-${n}`).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });

  it('answers 503 with Retry-After once every hash slot is busy and the queue is full', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        ask(['b', 'c', 'd', 'e'][n % 4]!, `wrong-${n}`).then(async (response) => ({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: (await response.json()) as unknown,
        })),
      ),
    );
    const busy = answers.filter((answer) => answer.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer).toEqual({
        status: 503,
        retryAfter: '1',
        body: {
          error: 'temporarily_unavailable',
          error_description: 'too many client secrets are being checked; retry in 1 s',
        },
      });
    }
    // Only what the slots and the queue hold was hashed; the rest was refused at once.
    const checked = answers.filter((answer) => answer.status === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(3 + 16);
  });
});
