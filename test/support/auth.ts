import type { TestApp } from './app.js';

const JWT_SECRET = 'x'.repeat(32);
const ADMIN = {
  id: 'admin',
  secret: 'admin-secret-0123456789',
  scopes: ['pipeline:run', 'pipeline:read', 'data:read', 'data:write', 'models:read', 'models:write'],
};

/** A platform backend: sends and reads its users' ratings, reads their recommendations. */
const PLATFORM = {
  id: 'platform',
  secret: 'platform-secret-0123456789',
  scopes: ['feedback:write', 'feedback:read', 'users:read'],
};

/**
 * Environment for bootApp with two clients: the admin one holding every data and pipeline scope,
 * and a platform backend holding the feedback and users scopes.
 */
export const AUTH_ENV = { AUTH_CLIENTS: JSON.stringify([ADMIN, PLATFORM]), JWT_SECRET };

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
