import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { FIXTURE_ENV } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { startServer, waitUntil } from './support/processes.js';

const ROOT = new URL('..', import.meta.url).pathname;
const JWT_SECRET = 'Zp4qK9vX2mW7rT1yB8nC3hL6dF0gJ5sQeUaVo';
const WRONG_SECRET = 'wrong-secret-Q8x2Lm4Vz9';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** `npm run cli -- auth hash-secret`, compiled, with `input` on stdin. */
function hashSecretCli(args: string[], input = '') {
  const result = spawnSync(process.execPath, ['dist/src/cli.js', 'auth', 'hash-secret', ...args], {
    cwd: ROOT,
    // A production environment whose AUTH_CLIENTS is refused: hashing must work to fix it.
    env: { PATH: process.env.PATH, NODE_ENV: 'production', AUTH_CLIENTS: '[{"id":"x"}]' },
    input,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are arbitrary JSON
type LogLine = Record<string, any>;

describe('auth hash-secret (CLI)', () => {
  it('hashes a secret read from stdin and refuses a weak one', () => {
    const hashed = hashSecretCli([], 'Vq3kZ8pL2xW9mR7tY4bN1cH6\n');
    expect(hashed.status).toBe(0);
    expect(hashed.stdout).toMatch(/^scrypt\$14\$8\$1\$[\w-]+\$[\w-]+$/);
    const weak = hashSecretCli([], 'aaaaaaaaaaaaaaaaaaaa');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toContain('too little variety');
  });
});

describe('a production server: its secrets and its logs', () => {
  let db: TestDatabase;
  let base: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    base = {
      ...FIXTURE_ENV,
      AUTO_INGEST: 'false',
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      PORT: String(await freePort()),
    };
  });
  afterAll(() => db.drop());

  it('refuses to start with the placeholder secrets of the Kubernetes manifests, saying why', async () => {
    const server = startServer({
      ...base,
      JWT_SECRET: 'PLACEHOLDER-change-me-to-32-or-more-random-characters',
      AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: 'PLACEHOLDER-change-me', scopes: ['data:read'] }]),
    });
    expect(await server.exited).toBe(1);
    const line = JSON.parse(server.output().trim().split('\n').at(-1)!) as LogLine;
    expect(line).toMatchObject({ level: 60, app: 'movie-reco' });
    expect(line.problems).toEqual([
      expect.stringContaining('JWT_SECRET=(hidden): looks like a placeholder'),
      expect.stringContaining('client "ops": the secret is stored in plain text'),
    ]);
    expect(server.output()).not.toContain('PLACEHOLDER-change-me');
  });

  it('masks the password of a refused DATABASE_URL', async () => {
    const server = startServer({ ...base, DATABASE_URL: 'postgresql://app:s3cret pw@db/reco' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('postgresql://app:***@db/reco');
    expect(server.output()).not.toContain('s3cret');
  });

  it('starts with hashed secrets and logs one line per request, with the client and no secret', async () => {
    const ops = JSON.parse(hashSecretCli(['--generate']).stdout) as { secret: string; hash: string };
    const viewer = JSON.parse(hashSecretCli(['--generate']).stdout) as { secret: string; hash: string };
    const server = startServer({
      ...base,
      JWT_SECRET,
      JWT_TTL_SECONDS: '600',
      AUTH_CLIENTS: JSON.stringify([
        { id: 'ops', secret: ops.hash, scopes: ['pipeline:read', 'models:read'] },
        { id: 'viewer', secret: viewer.hash, scopes: ['pipeline:read'] },
      ]),
    });
    const url = (path: string) => `${server.baseUrl}${path}`;
    try {
      await waitUntil(async () => (await fetch(url('/status'))).status > 0, 'the server to listen');

      const basic = `Basic ${Buffer.from(`ops:${ops.secret}`).toString('base64')}`;
      const opsToken = await fetch(url('/oauth/token'), {
        method: 'POST',
        headers: { ...FORM, authorization: basic },
        body: 'grant_type=client_credentials',
      });
      expect(opsToken.status).toBe(200);
      const bearer = ((await opsToken.json()) as { access_token: string }).access_token;
      const viewerToken = await fetch(url('/oauth/token'), {
        method: 'POST',
        headers: FORM,
        body: `grant_type=client_credentials&client_id=viewer&client_secret=${viewer.secret}`,
      });
      const viewerBearer = ((await viewerToken.json()) as { access_token: string }).access_token;
      const refused = await fetch(url('/oauth/token'), {
        method: 'POST',
        headers: FORM,
        body: `grant_type=client_credentials&client_id=ops&client_secret=${WRONG_SECRET}`,
      });
      expect(refused.status).toBe(401);
      const calls: [string, string | undefined, number][] = [
        ['/admin/pipeline/runs', bearer, 200],
        ['/admin/models', viewerBearer, 403],
        ['/admin/models', undefined, 401],
        ['/admin/models', 'not.a.token', 401],
        ['/movies/1', undefined, 404],
        // No model on this server: not ready (and, as a state, not an access line either).
        ['/status', undefined, 503],
      ];
      for (const [path, token, status] of calls) {
        const response = await fetch(url(path), {
          headers: token ? { authorization: `Bearer ${token}`, cookie: 'session=abc123cookie' } : {},
        });
        expect(response.status).toBe(status);
      }
      // A client that gives up halfway through its body: no response goes out, the line still does.
      const socket = connect(Number(base.PORT), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /users/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ratings":',
      );
      await sleep(300);
      socket.destroy();
      await sleep(300);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    const output = server.output();
    // The grep of the issue: no credential of any kind in the captured log.
    for (const secret of [ops.secret, viewer.secret, WRONG_SECRET, JWT_SECRET, 'abc123cookie']) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/); // no JWT
    expect(output).not.toContain(Buffer.from(`ops:${ops.secret}`).toString('base64'));

    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
    const access = lines.filter((line) => line.context === 'Access');
    // One line per request; /status is quiet when it answers 200 or only lacks a model.
    expect(access.map((l) => `${l.method} ${l.route ?? l.path} ${l.status} ${l.clientId ?? '-'}`)).toEqual([
      'POST /oauth/token 200 -',
      'POST /oauth/token 200 -',
      'POST /oauth/token 401 -',
      'GET /admin/pipeline/runs 200 ops',
      'GET /admin/models 403 viewer',
      'GET /admin/models 401 -',
      'GET /admin/models 401 -',
      'GET /movies/:id 404 -',
      'POST /users/recommendations 499 -',
    ]);
    expect(access.at(-1)).toMatchObject({ aborted: true });
    expect(new Set(access.map((l) => l.reqId)).size).toBe(access.length);
    expect(access.every((l) => typeof l.durationMs === 'number')).toBe(true);
    expect(access.filter((l) => l.audit === 'admin')).toHaveLength(4);

    const tokenAudit = lines.filter((line) => line.audit === 'token');
    expect(tokenAudit).toEqual([
      expect.objectContaining({ outcome: 'issued', clientId: 'ops', level: 30 }),
      expect.objectContaining({ outcome: 'issued', clientId: 'viewer', level: 30 }),
      expect.objectContaining({ outcome: 'refused', clientId: 'ops', error: 'invalid_client', level: 40 }),
    ]);

    // Start-up lines carry the time they were written: ordered, and not all stamped at once.
    const times = lines.map((line) => Date.parse(line.time as string));
    expect(times.every((time, i) => i === 0 || time >= times[i - 1]!)).toBe(true);
    const startup = lines.slice(0, lines.findIndex((line) => line.context === 'Main') + 1);
    expect(new Set(startup.map((line) => line.time)).size).toBeGreaterThan(1);
  });

  it('logs a client id or a scope that is not a known one masked, and does not echo the scope', async () => {
    const ops = JSON.parse(hashSecretCli(['--generate']).stdout) as { secret: string; hash: string };
    const server = startServer({
      ...base,
      JWT_SECRET,
      AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: ops.hash, scopes: ['pipeline:read'] }]),
    });
    const post = (body: string, authorization?: string) =>
      fetch(`${server.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { ...FORM, ...(authorization ? { authorization } : {}) },
        body,
      });
    // Secrets typed into the wrong field: the client id, the Basic user, the scope.
    const asId = 'Kq7wPz3vXb9mRt2yLn5c';
    const asBasicUser = 'Hd4sFg8jKl2zXc6vBn1m';
    const asScope = 'Tr5yUi9oPa3sDf7gHj2k';
    try {
      await waitUntil(
        async () => (await fetch(`${server.baseUrl}/status`)).status > 0,
        'the server to listen',
      );
      expect(
        (await post(`grant_type=client_credentials&client_id=${asId}&client_secret=${ops.secret}`)).status,
      ).toBe(401);
      const basic = `Basic ${Buffer.from(`${asBasicUser}:${ops.secret}`).toString('base64')}`;
      expect((await post('grant_type=client_credentials', basic)).status).toBe(401);
      const scoped = await post(
        `grant_type=client_credentials&client_id=ops&client_secret=${ops.secret}&scope=pipeline:read%20models:write%20${asScope}`,
      );
      expect(scoped.status).toBe(400);
      const answer = await scoped.text();
      expect(answer).not.toContain(asScope);
      expect(JSON.parse(answer)).toEqual({
        error: 'invalid_scope',
        error_description:
          'scope not granted to this client: models:write, 1 unknown scope (allowed: pipeline:read)',
      });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const output = server.output();
    for (const secret of [asId, asBasicUser, asScope, ops.secret]) expect(output).not.toContain(secret);
    const refused = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.audit === 'token');
    expect(refused).toEqual([
      expect.objectContaining({ outcome: 'refused', clientId: 'Kq…(20 chars)', error: 'invalid_client' }),
      expect.objectContaining({ outcome: 'refused', clientId: 'Hd…(20 chars)', error: 'invalid_client' }),
      expect.objectContaining({
        outcome: 'refused',
        clientId: 'ops',
        scope: 'pipeline:read models:write Tr…(20 chars)',
        error: 'invalid_scope',
      }),
    ]);
  });
});
