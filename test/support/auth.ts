import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../src/config/secret-hash.js';
import type { TestApp } from './app.js';

const JWT_SECRET = 'x'.repeat(32);
const ADMIN = {
  id: 'admin',
  secret: 'admin-secret-0123456789',
  scopes: ['pipeline:run', 'pipeline:read', 'data:read', 'data:write', 'models:read', 'models:write'],
};

/**
 * A platform backend: sends and reads its users' ratings, reads their recommendations. It serves
 * every user, on purpose (production refuses a per-user client that names neither).
 */
const PLATFORM = {
  id: 'platform',
  secret: 'platform-secret-0123456789',
  scopes: ['feedback:write', 'feedback:read', 'users:read'],
  allUsers: true,
};

/**
 * Environment for bootApp with two clients: the admin one holding every data and pipeline scope,
 * and a platform backend holding the feedback and users scopes.
 */
export const AUTH_ENV = { AUTH_CLIENTS: JSON.stringify([ADMIN, PLATFORM]), JWT_SECRET };

/**
 * The same two clients for a NODE_ENV=production start, which refuses plain-text client secrets
 * and weak signing keys: the secrets as their scrypt hashes and a random JWT_SECRET. Tokens are
 * asked for with the same secrets (adminToken, platformToken).
 */
export async function productionAuthEnv(): Promise<Record<string, string>> {
  const clients = await Promise.all(
    [ADMIN, PLATFORM].map(async (client) => ({ ...client, secret: await hashSecret(client.secret) })),
  );
  return {
    NODE_ENV: 'production',
    AUTH_CLIENTS: JSON.stringify(clients),
    JWT_SECRET: randomBytes(36).toString('base64'),
  };
}

/** A bearer token for a configured client, with all its scopes or the ones asked for. */
export async function clientToken(
  t: TestApp,
  client: { id: string; secret: string },
  scope?: string,
): Promise<string> {
  const { body } = await t.http
    .post('/oauth/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope })
    .expect(200);
  return body.access_token as string;
}

/** A bearer token for the admin client. */
export function adminToken(t: TestApp, scope?: string): Promise<string> {
  return clientToken(t, ADMIN, scope);
}

/** A bearer token for the platform client (feedback:write feedback:read users:read, or those asked). */
export function platformToken(t: TestApp, scope?: string): Promise<string> {
  return clientToken(t, PLATFORM, scope);
}

/** The Authorization header of a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Rates a movie 5 as the platform backend does, with a feedback:write token; expects 201. */
export async function rateAsPlatform(t: TestApp, userId: number, movieId: number): Promise<void> {
  await t.http
    .post(`/users/${userId}/ratings`)
    .set(bearer(await platformToken(t, 'feedback:write')))
    .send({ movieId, rating: 5 })
    .expect(201);
}
