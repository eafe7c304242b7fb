import { AppConfig } from '../config/app-config.js';
import { ConfigError, parseEnvironment } from '../config/environment.js';
import { parseAuthClients } from './auth-clients.js';

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
  ])('rejects %s', (text, message) => {
    expect(() => parseAuthClients(text)).toThrow(message);
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
