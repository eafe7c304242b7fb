import { DataSource } from 'typeorm';
import { DatabaseMetricsCollector } from '../src/monitoring/database-metrics.js';
import { AUTH_ENV, adminToken, bearer, platformToken } from './support/auth.js';
import { bootApp, type TestApp } from './support/app.js';

const ADMIN = JSON.parse(AUTH_ENV.AUTH_CLIENTS)[0] as { id: string; secret: string };

describe('rate limits (small limits set by configuration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({
      ...AUTH_ENV,
      RATE_LIMIT_PER_MINUTE: '20',
      TOKEN_RATE_LIMIT_PER_MINUTE: '3',
      FEEDBACK_RATE_LIMIT_PER_MINUTE: '2',
    });
  });
  afterAll(() => t.close());

  const guess = () =>
    t.http
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: 'wrong-guess' });

  it('answers 429 with Retry-After on the token endpoint after the limit, in the common shape', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) await guess().expect(401);
    const limited = await guess().expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^too many requests: at most 3 a minute; retry in \d+ s$/),
      path: '/oauth/token',
    });
    // Even the right secret waits: the limit is per address, before the credentials are read.
    await t.http
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret })
      .expect(429);
  });

  it('limits a public route per address, and not the liveness and readiness probes', async () => {
    let first429: number | undefined;
    for (let request = 1; request <= 25 && first429 === undefined; request++) {
      const { status, headers } = await t.http.get('/movies');
      if (status === 429) {
        first429 = request;
        expect(Number(headers['retry-after'])).toBeGreaterThan(0);
      } else {
        expect(status).toBe(200);
        expect(headers['x-ratelimit-limit']).toBe('20');
      }
    }
    expect(first429).toBe(21);
    for (let probe = 0; probe < 30; probe++) await t.http.get('/status/live').expect(200);
    // Readiness answers for itself (no model here yet), never the limiter's 429.
    const readiness = await t.http.get('/status');
    expect(readiness.status).toBe(503);
    expect(readiness.body.message).toContain('model down');
  });

  it('limits rating writes per client per minute', async () => {
    // The other limits were spent by the address; a fresh app keeps this test independent.
    const own = await bootApp({ ...AUTH_ENV, FEEDBACK_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const writer = bearer(await platformToken(own, 'feedback:write'));
      const statuses: number[] = [];
      for (let write = 0; write < 3; write++) {
        const { status } = await own.http
          .post(`/users/${write + 1}/ratings`)
          .set(writer)
          .send({ movieId: 999_999, rating: 4 });
        statuses.push(status);
      }
      // Without data every write is a 404 (unknown movie); the third is 429.
      expect(statuses).toEqual([404, 404, 429]);
      // Without a token a write is the guard's 401, never counted against a client.
      await own.http.post('/users/1/ratings').send({ movieId: 999_999, rating: 4 }).expect(401);
      // A general read is not held back by the write limit.
      await own.http.get('/movies').expect(200);
    } finally {
      await own.close();
    }
  });
});

describe('whose address a limit counts (TRUST_PROXY)', () => {
  const statuses = async (t: TestApp, forwardedFor: string[]) => {
    const answers: number[] = [];
    for (const address of forwardedFor) {
      answers.push((await t.http.get('/movies').set('x-forwarded-for', address)).status);
    }
    return answers;
  };

  it('ignores X-Forwarded-For by default: a client cannot pick the address it is counted under', async () => {
    const t = await bootApp({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      expect(await statuses(t, ['198.51.100.1', '198.51.100.2', '198.51.100.3'])).toEqual([200, 200, 429]);
    } finally {
      await t.close();
    }
  });

  it('counts the forwarded client address behind a trusted proxy hop', async () => {
    const t = await bootApp({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
    try {
      expect(await statuses(t, ['198.51.100.1', '198.51.100.2', '198.51.100.3'])).toEqual([200, 200, 200]);
      expect(await statuses(t, ['198.51.100.9', '198.51.100.9', '198.51.100.9'])).toEqual([200, 200, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('per client', () => {
  it('counts a valid bearer token under its client, and a forged one under the address', async () => {
    const t = await bootApp({ ...AUTH_ENV, RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const token = await adminToken(t);
      const get = (authorization?: string) => {
        const request = t.http.get('/movies');
        return (authorization ? request.set('authorization', authorization) : request).then((r) => r.status);
      };
      const anonymous = [await get(), await get(), await get(), await get()];
      expect(anonymous).toEqual([200, 200, 200, 429]);
      expect(await get('Bearer not.a.token')).toBe(429);
      const client = [
        await get(`Bearer ${token}`),
        await get(`Bearer ${token}`),
        await get(`Bearer ${token}`),
      ];
      expect(client).toEqual([200, 200, 200]);
      expect(await get(`Bearer ${token}`)).toBe(429);
    } finally {
      await t.close();
    }
  });
});

describe('the token endpoint under a brute force', () => {
  it('bans for longer each minute a client keeps guessing (backoff)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = await bootApp({ ...AUTH_ENV, TOKEN_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const retryAfterOfBan = async () => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const response = await t.http
            .post('/oauth/token')
            .type('form')
            .send({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: 'guess' });
          if (response.status === 429) return Number(response.headers['retry-after']);
          expect(response.status).toBe(401);
        }
        throw new Error('no 429 after 10 attempts');
      };
      const waits: number[] = [];
      for (let round = 0; round < 4; round++) {
        const wait = await retryAfterOfBan();
        waits.push(wait);
        vi.setSystemTime(Date.now() + wait * 1000);
      }
      expect(waits).toEqual([60, 120, 240, 480]);
    } finally {
      await t.close();
      vi.useRealTimers();
    }
  });
});

describe('security headers and the API docs under them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('sends helmet-style headers on answers and errors alike', async () => {
    for (const path of ['/movies', '/movies/abc', '/no-such-route']) {
      const { headers } = await t.http.get(path);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('serves Swagger UI whose scripts and styles are all same-origin files that load', async () => {
    const page = await t.http.get('/docs').redirects(1).expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const html = page.text;
    // No inline script: the CSP (script-src 'self') would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^https?:/);
      const { pathname } = new URL(asset, 'http://localhost/docs');
      const { status } = await t.http.get(pathname);
      expect({ asset, status }).toEqual({ asset, status: 200 });
    }
    await t.http.get('/docs-json').expect(200);
  });
});

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ METRICS_REFRESH_SECONDS: '3600' });
    await t.app.get(DatabaseMetricsCollector).refresh();
  });
  afterAll(() => t.close());

  it('does not query the database per scrape', async () => {
    const query = vi.spyOn(DataSource.prototype, 'query');
    try {
      for (let scrape = 0; scrape < 20; scrape++) {
        const { text } = await t.http.get('/metrics').expect(200);
        expect(text).toMatch(/^movie_reco_data_version 0$/m);
        expect(text).toMatch(/^movie_reco_database_metrics_refreshed_timestamp_seconds \d/m);
      }
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
  });
});
