import { connect, type Socket } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { SCOPES } from '../src/config/scopes.js';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from './support/app.js';

/**
 * A corpus of hostile requests over every route the OpenAPI document lists (so a new route is
 * covered by construction): bad ids, bad queries, bad types, nested and huge JSON, overflowing
 * numbers, unknown fields, wrong content types, invalid UTF-8 and NUL, forged tokens; then
 * concurrent promotions and slow bodies. Every answer must be a 4xx or 2xx, never a 5xx, and the
 * service must answer normally after.
 */

const JWT_SECRET = 'h'.repeat(32);
const CLIENT = { id: 'hostile-admin', secret: 'hostile-secret-0123456789', scopes: [...SCOPES] };

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface Outcome {
  name: string;
  status: number | string;
}

const nested = (depth: number, open: string, close: string, leaf = '1') =>
  open.repeat(depth) + leaf + close.repeat(depth);

/** JSON bodies for any POST route; most are wrong for every route, a few only for some. */
const BODIES: [string, string | Buffer][] = [
  ['empty object', '{}'],
  ['array', '[]'],
  ['array of numbers', JSON.stringify(Array.from({ length: 900 }, (_, i) => i))],
  ['null', 'null'],
  ['string', '"text"'],
  ['number', '42'],
  ['number 1e400', '1e400'],
  ['true', 'true'],
  ['nested objects 5000 deep', nested(5000, '{"a":', '}')],
  ['nested arrays 5000 deep', nested(5000, '[', ']')],
  ['nested objects 9 deep', nested(9, '{"a":', '}')],
  ['huge array (2 MB)', `[${'1,'.repeat(1_000_000)}1]`],
  ['huge string (2 MB)', JSON.stringify({ reason: 'x'.repeat(2_000_000) })],
  ['many keys', JSON.stringify(Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`k${i}`, i])))],
  ['taste weight 1e39', '{"comedy":1e39}'],
  ['taste weight 3.5e38', '{"comedy":3.5e38,"drama":3.5e38}'],
  ['taste weight 1e400', '{"comedy":1e400}'],
  ['taste weight -1e39', '{"comedy":-1e39}'],
  ['taste weight as text', '{"comedy":"1e39"}'],
  ['taste weight object', '{"comedy":{"a":1}}'],
  [
    'every genre at max',
    JSON.stringify(Object.fromEntries(['comedy', 'drama', 'action'].map((g) => [g, 1000]))),
  ],
  ['rating overflow', '{"movieId":1e39,"rating":1e39}'],
  ['rating negative ids', '{"movieId":-1,"rating":4}'],
  ['rating movieId 2^53', '{"movieId":9007199254740993,"rating":4}'],
  ['rating as text', '{"movieId":"1","rating":"4"}'],
  ['rating arrays', '{"movieId":[1],"rating":[4]}'],
  ['rating unknown field', '{"movieId":1,"rating":4,"admin":true}'],
  ['rating of a known movie', '{"movieId":1,"rating":4}'],
  ['reason with NUL', JSON.stringify({ reason: 'a\u0000b' })],
  ['key with NUL', '{"a\\u0000":1}'],
  ['reason of 5,000 characters', JSON.stringify({ reason: 'r'.repeat(5000) })],
  ['reason as object', '{"reason":{"toString":1}}'],
  ['__proto__ key', '{"__proto__":{"polluted":true}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['lone surrogate', '{"reason":"\\ud800"}'],
  ['truncated JSON', '{"comedy":'],
  ['trailing garbage', '{"comedy":1} x'],
  [
    'invalid UTF-8 bytes',
    Buffer.from([0x7b, 0x22, 0x72, 0x65, 0x61, 0x73, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  ],
  ['overlong UTF-8 NUL', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d])],
  ['raw NUL byte', Buffer.from('{"reason":"a\u0000b"}', 'latin1')],
  ['token grant as JSON', '{"grant_type":"client_credentials","client_id":"x\\u0000","client_secret":1e39}'],
];

/** Other content types, each with a body that suits it. */
const CONTENT_TYPES: [string, string | Buffer][] = [
  ['text/plain', 'hello'],
  ['text/plain', '{"comedy":1e39}'],
  ['application/xml', '<a><b/></a>'],
  ['text/csv', 'userId,movieId,rating,timestamp\n1,1,4,1000000000\n'],
  ['text/csv', 'a\u0000,\xff\xfe\n'],
  ['application/x-www-form-urlencoded', 'comedy=1e39&movieId=%00&rating=%FF'],
  [
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
  ],
  ['application/octet-stream', Buffer.from([0, 1, 2, 255])],
  ['application/json; charset=latin1', '{"comedy":1}'],
  ['application/json; charset=utf-16', '{"comedy":1}'],
  ['application/vnd.api+json', '{"comedy":1}'],
  ['', '{"comedy":1}'],
  ['not a media type', '{"comedy":1}'],
];

const BAD_IDS = [
  '0',
  '-1',
  'abc',
  '1e3',
  '0x10',
  '1.5',
  '2147483648',
  '99999999999999999999999',
  '%00',
  '%FF',
  '%C0%80',
  '%E2%80%AE1',
  '1%20OR%201=1',
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(500),
];

const BAD_QUERIES = [
  'limit=abc',
  'limit=1e400',
  'limit=-1',
  'limit=99999999999999999999',
  'page=0',
  'page=%00',
  'limit[]=1&limit[]=2',
  'limit=1&limit=2',
  'genre=%FF%FE',
  'genre=%00',
  'search=%00',
  'search=' + '%25'.repeat(2000),
  'status=%00',
  'check=%FF',
  'name=..%2F..%2Fx',
  'name=%00',
  'unknown=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
];

/** Tokens that must all be refused (401/403) and never crash the guard. */
function forgedTokens(): [string, string][] {
  const now = Math.floor(Date.now() / 1000);
  const good = { sub: CLIENT.id, scope: SCOPES.join(' ') };
  const options = { issuer: 'movie-reco', audience: 'movie-reco-admin' };
  const wrongKey = new JwtService({ secret: 'w'.repeat(32) });
  const rightKey = new JwtService({ secret: JWT_SECRET });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    ['no scheme', 'abc'],
    ['empty bearer', 'Bearer '],
    ['garbage', 'Bearer abc.def.ghi'],
    ['Basic', `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`],
    ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...good, exp: now + 600 })}.`],
    ['wrong key', `Bearer ${wrongKey.sign(good, options)}`],
    ['expired', `Bearer ${rightKey.sign({ ...good, exp: now - 10 }, options)}`],
    ['unknown client', `Bearer ${rightKey.sign({ ...good, sub: 'nobody' }, options)}`],
    ['sub as object', `Bearer ${rightKey.sign({ ...good, sub: { id: CLIENT.id } }, options)}`],
    ['scope as number', `Bearer ${rightKey.sign({ ...good, scope: 1e39 }, options)}`],
    ['no scope', `Bearer ${rightKey.sign({ sub: CLIENT.id, scope: '' }, options)}`],
    ['wrong audience', `Bearer ${rightKey.sign(good, { ...options, audience: 'other' })}`],
    ['huge token', `Bearer ${'a'.repeat(8000)}`],
    ['RS256 header', `Bearer ${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(good)}.c2ln`],
  ];
}

/** Sends raw bytes and resolves with the status line's code, or how the socket ended. */
function rawRequest(port: number, bytes: Buffer, waitMs = 5000): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('no answer');
    }, waitMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer === '' ? 'closed' : answer.slice(0, 12));
    });
    socket.write(bytes);
  });
}

describe('hostile input: no 5xx from any route', () => {
  let t: TestApp;
  let base: string;
  let port: number;
  let token: string;
  let routes: { method: string; path: string }[];
  const outcomes: Outcome[] = [];

  const send = async (c: Case): Promise<void> => {
    let status: number | string;
    try {
      const response = await fetch(`${base}${c.path}`, {
        method: c.method,
        headers: c.headers,
        body: c.body,
        redirect: 'manual',
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = `network error: ${(error as Error).message}`;
    }
    outcomes.push({ name: `${c.method} ${c.path.slice(0, 80)} ${c.name}`, status });
  };

  const sendAll = async (cases: Case[], concurrency = 6) => {
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await send(next);
      }),
    );
  };

  beforeAll(async () => {
    t = await bootApp({
      AUTH_CLIENTS: JSON.stringify([CLIENT]),
      JWT_SECRET,
      MAX_BAD_ROW_SHARE: '1',
      // The corpus comes from one address at hundreds of requests a second; the limits have
      // their own tests (limits.e2e-spec.ts).
      TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
      FEEDBACK_RATE_LIMIT_PER_MINUTE: '100000',
      REQUEST_TIMEOUT_SECONDS: '2',
    });
    // A model in production, so the recommendation routes reach the model (not a 503 for none).
    expect(await t.app.get(PipelineRunner).run({ trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
    base = `http://127.0.0.1:${port}`;
    const issued = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${CLIENT.id}&client_secret=${CLIENT.secret}`,
    });
    expect(issued.status).toBe(200);
    token = ((await issued.json()) as { access_token: string }).access_token;
    const whoami = await fetch(`${base}/admin/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect({ status: whoami.status, body: await whoami.json() }).toMatchObject({ status: 200 });
    const document = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  }, 120_000);
  afterAll(() => t.close());

  it('lists every controller route in the OpenAPI document', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'GET /movies',
      'GET /movies/{id}',
      'GET /movies/{id}/similar',
      'GET /users/{id}/recommendations',
      'POST /users/recommendations',
      'POST /users/{id}/ratings',
      'GET /users/{id}/ratings',
      'POST /oauth/token',
      'GET /admin/whoami',
      'GET /admin/models',
      'GET /admin/models/{id}',
      'POST /admin/models/{id}/promote',
      'GET /admin/pipeline/runs',
      'GET /admin/pipeline/runs/{id}',
      'POST /admin/pipeline/runs',
      'GET /admin/batches',
      'GET /admin/batches/{id}',
      'GET /admin/batches/{id}/quarantine',
      'POST /admin/batches',
      'GET /status',
      'GET /status/live',
      'GET /metrics',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('answers the corpus over every route without a 5xx, and stays up', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const cases: Case[] = [];
    for (const route of routes) {
      const withId = (id: string) => route.path.replaceAll('{id}', id);
      const hasId = route.path.includes('{id}');
      // Bad ids in the path.
      if (hasId)
        for (const id of BAD_IDS)
          cases.push({ name: `id ${id}`, method: route.method, path: withId(id), headers: auth });
      // Bad query strings.
      for (const query of BAD_QUERIES) {
        cases.push({
          name: `query ${query.slice(0, 40)}`,
          method: route.method,
          path: `${withId('1')}?${query}`,
          headers: auth,
        });
      }
      // Forged or malformed credentials.
      for (const [name, authorization] of forgedTokens()) {
        cases.push({
          name: `token ${name}`,
          method: route.method,
          path: withId('1'),
          headers: { authorization },
        });
      }
      // The wrong method.
      cases.push({
        name: 'wrong method',
        method: route.method === 'GET' ? 'DELETE' : 'PUT',
        path: withId('1'),
        headers: auth,
      });
      if (route.method !== 'POST') continue;
      for (const [name, body] of BODIES) {
        cases.push({
          name: `body ${name}`,
          method: 'POST',
          path: withId('1'),
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        });
      }
      for (const [type, body] of CONTENT_TYPES) {
        cases.push({
          name: `content-type ${type || '(none)'}`,
          method: 'POST',
          path: withId('1'),
          headers: type ? { ...auth, 'content-type': type } : auth,
          body,
        });
      }
    }
    // Unknown routes and odd paths.
    for (const path of [
      '/%',
      '/%FF',
      '/movies/1%00',
      '//movies',
      '/movies/../admin/models',
      `/${'a'.repeat(5000)}`,
    ]) {
      cases.push({ name: 'odd path', method: 'GET', path, headers: auth });
    }
    await sendAll(cases);

    // Bytes fetch would not send: invalid UTF-8 and NUL straight in the request line and headers.
    const raw: [string, Buffer][] = [
      [
        '0xFF in the path',
        Buffer.from('GET /movies/\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'),
      ],
      [
        'NUL in the path',
        Buffer.from('GET /movies/1\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'),
      ],
      [
        '0xFF in the query',
        Buffer.from('GET /movies?search=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'),
      ],
      [
        'NUL in a header',
        Buffer.from('GET /movies HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n', 'latin1'),
      ],
      [
        '0xFF in authorization',
        Buffer.from(
          'GET /admin/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n',
          'latin1',
        ),
      ],
      [
        'content-length lies',
        Buffer.from(
          'POST /users/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"comedy":1}',
          'latin1',
        ),
      ],
      [
        'chunked garbage',
        Buffer.from(
          'POST /users/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
          'latin1',
        ),
      ],
      ['not HTTP', Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n', 'latin1')],
    ];
    for (const [name, bytes] of raw)
      outcomes.push({ name: `raw ${name}`, status: await rawRequest(port, bytes) });

    const failures = outcomes.filter((o) =>
      typeof o.status !== 'number'
        ? !['closed', 'no answer'].includes(String(o.status)) && !String(o.status).startsWith('HTTP')
        : o.status >= 500,
    );
    const byStatus: Record<string, number> = {};
    for (const o of outcomes) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
    console.log(
      `hostile input: ${outcomes.length} cases over ${routes.length} routes, ${failures.length} answered 5xx or broke; ` +
        `by status ${JSON.stringify(byStatus)}`,
    );
    expect(failures).toEqual([]);
    // Most of the corpus is refused; some of it is valid enough to be served.
    expect(outcomes.filter((o) => typeof o.status === 'number' && o.status >= 400).length).toBeGreaterThan(
      outcomes.length / 2,
    );

    await fetch(`${base}/status/live`).then((r) => expect(r.status).toBe(200));
    await fetch(`${base}/status`).then((r) => expect(r.status).toBe(200));
    await fetch(`${base}/movies/1`).then((r) => expect(r.status).toBe(200));
    await fetch(`${base}/users/recommendations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"comedy":2}',
    }).then((r) => expect(r.status).toBe(200));
  }, 300_000);

  it('answers concurrent promotions of different versions with 201 or 409, never 500', async () => {
    const db = t.app.get(DataSource);
    // Candidates with the production version's artifact, so whichever wins can be served.
    const [production] = await db.query(`SELECT id FROM model_versions WHERE stage = 'production'`);
    const copies = await db.query(
      `INSERT INTO model_versions (algorithm, params, metrics, data_version, pipeline_run_id, training_seconds,
                                   artifact_bytes, artifact_sha256, stage)
       SELECT algorithm, params, metrics, data_version, pipeline_run_id, training_seconds, artifact_bytes, artifact_sha256, 'candidate'
       FROM model_versions, generate_series(1, 8) WHERE id = $1 RETURNING id`,
      [production.id],
    );
    const ids: number[] = copies.map((row: { id: number }) => row.id);
    await db.query(
      `INSERT INTO model_artifact_parts (model_version_id, start_byte, bytes)
       SELECT copy, start_byte, bytes FROM model_artifact_parts, unnest($2::int[]) AS copy WHERE model_version_id = $1`,
      [production.id, ids],
    );
    const statuses: number[] = [];
    for (let round = 0; round < ids.length; round += 4) {
      const answers = await Promise.all(
        ids.slice(round, round + 4).map((id) =>
          fetch(`${base}/admin/models/${id}/promote`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: '{"reason":"race"}',
          }),
        ),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    console.log(`concurrent promotions: ${statuses.join(' ')}`);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const serving = await db.query(
      `SELECT count(*)::int AS n FROM model_versions WHERE stage = 'production'`,
    );
    expect(serving[0].n).toBe(1);
  });

  it('closes connections whose body never arrives (REQUEST_TIMEOUT_SECONDS) and keeps serving', async () => {
    const sockets: Socket[] = [];
    const closed = Array.from(
      { length: 50 },
      () =>
        new Promise<number>((resolve) => {
          const started = Date.now();
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              'POST /users/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"com',
            );
          });
          let answer = '';
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('error', () => undefined);
          socket.on('close', () => {
            const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
            if (status) outcomes.push({ name: 'slow body', status: Number(status) });
            resolve(Date.now() - started);
          });
          sockets.push(socket);
        }),
    );
    // Meanwhile the service answers others.
    const during = await fetch(`${base}/movies/1`);
    expect(during.status).toBe(200);
    const durations = await Promise.all(closed);
    console.log(
      `slow bodies: 50 connections closed after ${Math.min(...durations)}–${Math.max(...durations)} ms`,
    );
    expect(Math.max(...durations)).toBeLessThan(10_000);
    expect(outcomes.filter((o) => o.name === 'slow body' && Number(o.status) >= 500)).toEqual([]);
    await fetch(`${base}/status/live`).then((r) => expect(r.status).toBe(200));
  }, 30_000);
});
