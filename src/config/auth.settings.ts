import { authClientsProblem, parseAuthClients, productionClientProblems } from './auth-clients.js';
import { defineSettings, flag, integer, parsed, text } from './declare/settings.js';
import { MIN_BITS, secretWeakness } from './secret-strength.js';

/**
 * The API clients and their tokens (src/auth). Declared here rather than in src/auth/settings/:
 * the client list's rules (auth-clients.ts, scopes, user ranges, secret hashes and strength) live in
 * src/config, which src/auth imports.
 */
export const authSettings = defineSettings(import.meta.url, {
  title: 'Authentication',
  intro:
    'Tokens and scopes: [api](api.md#authentication). `NODE_ENV=production` refuses a weak or example ' +
    '`JWT_SECRET`, a client secret not stored as its hash (`npm run cli -- auth hash-secret`) and a per-user ' +
    'client bound to no users.',
  settings: {
    /** OAuth2 clients of the API, a JSON array (format in src/config/auth-clients.ts); unset = none. */
    AUTH_CLIENTS: parsed<string | undefined>({
      secret: true,
      allowed: 'a JSON array of `{"id", "secret", "scopes"}`',
      description: 'the OAuth2 clients, bound to their [users](#clients-bound-to-their-users); unset = none',
      parse: (value, name) => {
        const problem = authClientsProblem(value);
        return problem === undefined ? { value } : { problem: `${name} ${problem}` };
      },
    }),
    // Needed only to sign and check tokens, i.e. when there are clients to issue them to.
    JWT_SECRET: text({
      secret: true,
      requiredWith: 'AUTH_CLIENTS',
      valid: /^.{32,}$/s,
      message: 'of at least 32 characters is required when AUTH_CLIENTS is set',
      allowed: '32+ characters; required with `AUTH_CLIENTS`',
      description: 'the HS256 key signing access tokens',
    }),
    JWT_TTL_SECONDS: integer({
      default: 3600,
      min: 1,
      max: 86400,
      description: 'access token lifetime; also the longest a presented token may have',
    }),
    /** `production` (the Docker image and the Kubernetes manifests) changes defaults; anything else is development. */
    NODE_ENV: text({
      allowed: '`production`, or anything else',
      description: '`production` (the Docker image) checks secrets and guards per-user reads',
    }),
    /**
     * Whether GET /users/:id/recommendations takes a bearer token with `users:read` (the answer
     * reveals the user's ratings). Unset: yes when NODE_ENV=production, no otherwise.
     */
    USER_READS_REQUIRE_TOKEN: flag({
      shownDefault: '`true` with `NODE_ENV=production`, else `false`',
      description: 'whether `GET /users/:id/recommendations` takes a `users:read` token',
    }),
    /** Token requests per minute per address; each minute over it doubles the wait (up to an hour). */
    TOKEN_RATE_LIMIT_PER_MINUTE: integer({
      default: 30,
      min: 1,
      message: 'must be a whole number',
      description: '`POST /oauth/token` requests a minute per address; each minute over doubles the wait',
    }),
  },
  notes: [
    {
      heading: 'Clients bound to their users',
      text:
        'An `AUTH_CLIENTS` entry holding `feedback:write`, `feedback:read` or `users:read` names the users it ' +
        'acts for, `"users": "1-1000,5000-5999"` (ids 1 to 2147483647 and inclusive ranges), or says ' +
        '`"allUsers": true`; production refuses an entry with neither. A request for any other user ' +
        'answers 403.',
    },
  ],
  check: (env) => (env.NODE_ENV === 'production' ? productionSecretProblems(env) : []),
  toConfig: (env) => ({
    /** NODE_ENV=production. */
    production: env.NODE_ENV === 'production',
    /**
     * No clients = no token is ever issued or accepted: guarded routes answer 401.
     * userReadsRequireToken: GET /users/:id/recommendations takes a `users:read` token.
     */
    auth: {
      clients: parseAuthClients(env.AUTH_CLIENTS),
      jwtSecret: env.JWT_SECRET,
      tokenTtlSeconds: env.JWT_TTL_SECONDS,
      userReadsRequireToken: env.USER_READS_REQUIRE_TOKEN ?? env.NODE_ENV === 'production',
    },
    rateLimits: { tokenPerMinute: env.TOKEN_RATE_LIMIT_PER_MINUTE },
  }),
});

/**
 * A production start refuses the secrets anyone could know: the placeholders and examples of the
 * repository, secrets with little variety, client secrets kept in plain text. A development start
 * takes them, so the Quick start and the tests need no generated secrets.
 */
function productionSecretProblems(env: { JWT_SECRET?: string; AUTH_CLIENTS?: string }): string[] {
  const problems: string[] = [];
  const weakKey = env.JWT_SECRET && secretWeakness(env.JWT_SECRET, MIN_BITS.signingKey);
  if (weakKey) {
    problems.push(
      `JWT_SECRET=(hidden): ${weakKey}; NODE_ENV=production needs a random one, e.g. openssl rand -base64 48`,
    );
  }
  if (env.AUTH_CLIENTS !== undefined) {
    problems.push(
      ...productionClientProblems(parseAuthClients(env.AUTH_CLIENTS)).map(
        (problem) => `AUTH_CLIENTS=(hidden): ${problem}`,
      ),
    );
  }
  return problems;
}
