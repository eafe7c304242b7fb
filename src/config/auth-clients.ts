import { isSecretHash, looksHashed } from './secret-hash.js';
import { MIN_BITS, secretWeakness } from './secret-strength.js';
import { isScope, type Scope, SCOPES } from './scopes.js';
import { parseUserRanges, type UserRanges } from './user-ranges.js';

/** One OAuth2 client allowed to ask for tokens (client-credentials grant). */
export interface AuthClient {
  id: string;
  /** The secret itself, or its scrypt hash (`scrypt$…`, src/common/secret-hash.ts). */
  secret: string;
  scopes: Scope[];
  /**
   * The users it may read and write for (`"users": "1-1000,5000-5999"`); undefined = every user,
   * which production accepts only from a client that says `"allUsers": true`.
   */
  users?: UserRanges;
  allUsers?: boolean;
}

/** Scopes that act for one user at a time (the :id of /users/:id/…): the ones `users` bounds. */
const PER_USER_SCOPES: readonly Scope[] = ['feedback:write', 'feedback:read', 'users:read'];

// The client id travels in form bodies and HTTP Basic credentials: keep it to characters that
// need no escaping in either.
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,64}$/;
const MIN_SECRET_LENGTH = 16;
const KEYS = new Set(['id', 'secret', 'scopes', 'users', 'allUsers']);

/** Why a client list (AUTH_CLIENTS) is invalid, or undefined when it is valid. Never quotes a secret. */
export function authClientsProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'must be a JSON array of {"id", "secret", "scopes"} objects (not valid JSON)';
  }
  if (!Array.isArray(parsed)) return 'must be a JSON array of {"id", "secret", "scopes"} objects';
  const ids = new Set<string>();
  for (const [index, item] of parsed.entries()) {
    const at = `client #${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `${at} must be an object`;
    const unknown = Object.keys(item).filter((key) => !KEYS.has(key));
    if (unknown.length > 0) return `${at} has unknown field(s): ${unknown.join(', ')}`;
    const { id, secret, scopes, users, allUsers } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !CLIENT_ID.test(id)) {
      return `${at}: id must be 1-64 characters among letters, digits and . _ ~ -`;
    }
    if (ids.has(id)) return `client "${id}" is listed twice`;
    ids.add(id);
    if (typeof secret === 'string' && looksHashed(secret)) {
      if (!isSecretHash(secret)) {
        return `client "${id}": secret starts like a scrypt hash but is not one; make it with: npm run cli -- auth hash-secret`;
      }
    } else if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      return `client "${id}": secret must be a string of at least ${MIN_SECRET_LENGTH} characters, or its scrypt hash`;
    }
    if (!Array.isArray(scopes) || scopes.length === 0) {
      return `client "${id}": scopes must be a non-empty array`;
    }
    const wrong = scopes.filter((scope) => !isScope(scope));
    if (wrong.length > 0) {
      return `client "${id}": unknown scope(s) ${wrong.map((s) => JSON.stringify(s)).join(', ')}; known: ${SCOPES.join(', ')}`;
    }
    const usersProblem = usersProblemOf(users, allUsers);
    if (usersProblem) return `client "${id}": ${usersProblem}`;
  }
  return undefined;
}

function usersProblemOf(users: unknown, allUsers: unknown): string | undefined {
  if (allUsers !== undefined && typeof allUsers !== 'boolean') return 'allUsers must be true or false';
  if (users === undefined) return undefined;
  if (typeof users !== 'string')
    return 'users must be a string of user ids and ranges, such as "1-1000,5000-5999"';
  if (allUsers === true) return 'give either "users" or "allUsers": true, not both';
  try {
    parseUserRanges(users);
  } catch (error) {
    return `users ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * Why a (valid) client list must not be used in production: a secret in plain text, where its
 * scrypt hash belongs (refused whatever its strength, so the hint says how to hash); a client with
 * a per-user scope bound to no users and not marked `"allUsers": true`.
 */
export function productionClientProblems(clients: AuthClient[]): string[] {
  return clients.flatMap(({ id, secret, scopes, users, allUsers }) => {
    const problems: string[] = [];
    if (!isSecretHash(secret)) {
      const weakness = secretWeakness(secret, MIN_BITS.clientSecret);
      problems.push(
        `client "${id}": the secret is stored in plain text${weakness ? ` and ${weakness}` : ''}; ` +
          'in production give its hash instead (npm run cli -- auth hash-secret)',
      );
    }
    // A per-user scope with no bound writes and reads as any user: one leaked secret is every
    // user's. Production takes that only when the configuration says so.
    const perUser = scopes.filter((scope) => PER_USER_SCOPES.includes(scope));
    if (perUser.length > 0 && users === undefined && allUsers !== true) {
      problems.push(
        `client "${id}" holds ${perUser.join(', ')} but names no users: give the ids it serves ` +
          '("users": "1-1000,5000-5999") or, if it serves every user, "allUsers": true',
      );
    }
    return problems;
  });
}

/**
 * Parses AUTH_CLIENTS: a JSON array such as
 * `[{"id":"ops","secret":"scrypt$14$8$1$…","scopes":["pipeline:run","data:read"]}]`, each secret
 * either the secret itself (16+ characters; development only) or its scrypt hash; optional
 * `"users": "1-1000,5000-5999"` (the users it may act for) or `"allUsers": true`.
 * JSON rather than a home-made `id:secret:scopes;...` syntax: secrets may then hold any character.
 */
export function parseAuthClients(text: string | undefined): AuthClient[] {
  if (text === undefined) return [];
  const problem = authClientsProblem(text);
  if (problem) throw new Error(`AUTH_CLIENTS ${problem}`);
  type Configured = Omit<AuthClient, 'users'> & { users?: string };
  return (JSON.parse(text) as Configured[]).map(({ id, secret, scopes, users, allUsers }) => ({
    id,
    secret,
    scopes: [...new Set(scopes)],
    ...(users !== undefined && { users: parseUserRanges(users) }),
    ...(allUsers !== undefined && { allUsers }),
  }));
}
