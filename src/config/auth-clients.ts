import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isSecretHash, looksHashed } from './secret-hash.js';
import { MIN_BITS, secretWeakness } from './secret-strength.js';
import { isScope, type Scope, SCOPES } from './scopes.js';

/** One OAuth2 client allowed to ask for tokens (client-credentials grant). */
export interface AuthClient {
  id: string;
  /** The secret itself, or its scrypt hash (`scrypt$…`, src/common/secret-hash.ts). */
  secret: string;
  scopes: Scope[];
}

// The client id travels in form bodies and HTTP Basic credentials: keep it to characters that
// need no escaping in either.
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,64}$/;
const MIN_SECRET_LENGTH = 16;
const KEYS = new Set(['id', 'secret', 'scopes']);

/** Why a client list is invalid, or undefined when it is valid. Never quotes a secret. */
function problemOf(text: string): string | undefined {
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
    const { id, secret, scopes } = item as Record<string, unknown>;
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
  }
  return undefined;
}

/**
 * Why a (valid) client list must not be used in production: a secret in plain text, where its
 * scrypt hash belongs. Plain text is refused whatever its strength, so the hint says how to hash.
 */
export function productionClientProblems(clients: AuthClient[]): string[] {
  return clients.flatMap(({ id, secret }) => {
    if (isSecretHash(secret)) return [];
    const weakness = secretWeakness(secret, MIN_BITS.clientSecret);
    return [
      `client "${id}": the secret is stored in plain text${weakness ? ` and ${weakness}` : ''}; ` +
        'in production give its hash instead (npm run cli -- auth hash-secret)',
    ];
  });
}

/**
 * Parses AUTH_CLIENTS: a JSON array such as
 * `[{"id":"ops","secret":"scrypt$14$8$1$…","scopes":["pipeline:run","data:read"]}]`, each secret
 * either the secret itself (16+ characters; development only) or its scrypt hash.
 * JSON rather than a home-made `id:secret:scopes;...` syntax: secrets may then hold any character.
 */
export function parseAuthClients(text: string | undefined): AuthClient[] {
  if (text === undefined) return [];
  const problem = problemOf(text);
  if (problem) throw new Error(`AUTH_CLIENTS ${problem}`);
  return (JSON.parse(text) as AuthClient[]).map(({ id, secret, scopes }) => ({
    id,
    secret,
    scopes: [...new Set(scopes)],
  }));
}

/** class-validator rule for the environment: a valid AUTH_CLIENTS list. */
export function IsAuthClients(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAuthClients',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && problemOf(value) === undefined,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? `${args.property} ${problemOf(args.value)}`
            : `${args?.property} must be a string`,
      },
    },
    options,
  );
}
