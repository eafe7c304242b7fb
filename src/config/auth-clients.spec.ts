import { AppConfig } from '../config/app-config.js';
import { ConfigError, parseEnvironment } from '../config/environment.js';
import { randomBytes } from 'node:crypto';
import { parseAuthClients } from './auth-clients.js';
import { hashSecret } from './secret-hash.js';

const SECRET = 'a-client-secret-of-24-chars';
const JWT_SECRET = 'x'.repeat(32);
const clients = (value: unknown) => JSON.stringify(value);

describe('AUTH_CLIENTS', () => {
  it('reads a JSON array of clients', () => {
    const text = clients([
      { id: 'ops', secret: SECRET, scopes: ['pipeline:run', 'pipeline:run', 'data:read'] },
    ]);
    expect(parseAuthClients(text)).toEqual([
      { id: 'ops', secret: SECRET, scopes: ['pipeline:run', 'data:read'] },
    ]);
    expect(parseAuthClients(undefined)).toEqual([]);
  });

  it.each([
    ['not json', /not valid JSON/],
    [clients({ id: 'ops' }), /JSON array/],
    [clients([{ id: 'ops', secret: SECRET, scopes: ['pipeline:fly'] }]), /unknown scope\(s\) "pipeline:fly"/],
    [clients([{ id: 'ops', secret: 'short', scopes: ['data:read'] }]), /at least 16 characters/],
    [clients([{ id: 'o p', secret: SECRET, scopes: ['data:read'] }]), /id must be/],
    [clients([{ id: 'ops', secret: SECRET, scopes: [] }]), /non-empty array/],
    [clients([{ id: 'ops', secret: SECRET, scopes: ['data:read'], role: 'x' }]), /unknown field\(s\): role/],
    [
      clients([
        { id: 'ops', secret: SECRET, scopes: ['data:read'] },
        { id: 'ops', secret: SECRET, scopes: ['data:read'] },
      ]),
      /listed twice/,
    ],
    [
      clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'], users: '1-1000;5000' }]),
      /client "web": users has "1-1000;5000", which is not an id or a range/,
    ],
    [
      clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'], users: '10-1' }]),
      /client "web": users has "10-1", a range whose start is past its end/,
    ],
    [
      clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'], users: [1, 2] }]),
      /users must be a string/,
    ],
    [
      clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'], allUsers: 'yes' }]),
      /allUsers must be true or false/,
    ],
    [
      clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'], users: '1-5', allUsers: true }]),
      /either "users" or "allUsers": true, not both/,
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseAuthClients(text)).toThrow(message);
  });

  it('reads the users a client may act for, and allUsers', () => {
    const text = clients([
      { id: 'web', secret: SECRET, scopes: ['feedback:write'], users: '5000-5999,1-1000' },
      { id: 'all', secret: SECRET, scopes: ['users:read'], allUsers: true },
    ]);
    expect(parseAuthClients(text)).toEqual([
      {
        id: 'web',
        secret: SECRET,
        scopes: ['feedback:write'],
        users: [
          { from: 1, to: 1000 },
          { from: 5000, to: 5999 },
        ],
      },
      { id: 'all', secret: SECRET, scopes: ['users:read'], allUsers: true },
    ]);
  });

  describe('in production', () => {
    const production = async (client: Record<string, unknown>) => {
      const hashed = { ...client, secret: await hashSecret(SECRET) };
      return () =>
        parseEnvironment({
          NODE_ENV: 'production',
          AUTH_CLIENTS: clients([hashed]),
          JWT_SECRET: randomBytes(36).toString('base64'),
        });
    };

    it.each(['feedback:write', 'feedback:read', 'users:read'])(
      'refuses a %s client bound to no users, naming the fix',
      async (scope) => {
        const start = await production({ id: 'web', scopes: [scope, 'pipeline:read'] });
        expect(start).toThrow(ConfigError);
        expect(start).toThrow(
          `client "web" holds ${scope} but names no users: give the ids it serves ("users": "1-1000,5000-5999") ` +
            'or, if it serves every user, "allUsers": true',
        );
      },
    );

    it('takes a per-user client with users or allUsers, and an admin client with neither', async () => {
      expect(await production({ id: 'web', scopes: ['feedback:write'], users: '1-1000' })).not.toThrow();
      expect(await production({ id: 'web', scopes: ['users:read'], allUsers: true })).not.toThrow();
      expect(await production({ id: 'ops', scopes: ['data:write', 'pipeline:run'] })).not.toThrow();
      // allUsers: false says nothing more than leaving it out.
      expect(await production({ id: 'web', scopes: ['feedback:read'], allUsers: false })).toThrow(
        /names no users/,
      );
    });

    it('leaves a development start free to omit both', () => {
      const text = clients([{ id: 'web', secret: SECRET, scopes: ['feedback:write'] }]);
      expect(() => parseEnvironment({ AUTH_CLIENTS: text, JWT_SECRET })).not.toThrow();
    });
  });

  it('fails the environment check without quoting the secrets', () => {
    let error: unknown;
    try {
      parseEnvironment({ AUTH_CLIENTS: clients([{ id: 'ops', secret: SECRET, scopes: ['nope'] }]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('AUTH_CLIENTS=(hidden)');
    expect(message).toContain('unknown scope(s) "nope"');
    expect(message).toContain('JWT_SECRET=(hidden): JWT_SECRET of at least 32 characters is required');
    expect(message).not.toContain(SECRET);
  });

  it('requires a JWT_SECRET of 32 characters only when clients are configured', () => {
    expect(() => parseEnvironment({ JWT_SECRET: 'short' })).not.toThrow();
    const text = clients([{ id: 'ops', secret: SECRET, scopes: ['data:read'] }]);
    expect(() => parseEnvironment({ AUTH_CLIENTS: text, JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET/);
    expect(() => parseEnvironment({ AUTH_CLIENTS: text, JWT_SECRET })).not.toThrow();
  });

  it('gives AppConfig the clients, the secret and the token lifetime (default one hour)', () => {
    const text = clients([{ id: 'ops', secret: SECRET, scopes: ['data:read'] }]);
    const config = AppConfig.fromEnvironment({}, { AUTH_CLIENTS: text, JWT_SECRET });
    expect(config.auth).toEqual({
      clients: [{ id: 'ops', secret: SECRET, scopes: ['data:read'] }],
      jwtSecret: JWT_SECRET,
      tokenTtlSeconds: 3600,
      userReadsRequireToken: false,
    });
    expect(AppConfig.fromEnvironment({}, {}).auth.clients).toEqual([]);
    expect(() => parseEnvironment({ JWT_TTL_SECONDS: '0' })).toThrow(/JWT_TTL_SECONDS="0"/);
  });
});
