import { defineSettings, integer, oneOf, text } from '../../config/declare/settings.js';

/**
 * What this process does: `all` serves and runs the pipeline (one process, the default); `api`
 * serves only and never trains; `worker` runs the schedule, the first-start load and pipeline
 * runs, and serves only /status and /metrics.
 */
const ROLES = ['all', 'api', 'worker'] as const;

/** What Fastify's `trustProxy` takes; undefined when the text is none of the allowed forms. */
export function parseTrustProxy(text: string): boolean | number | string[] | undefined {
  const value = text.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(\/\d{1,3})?$/;
  return entries.every((entry) => address.test(entry)) ? entries : undefined;
}

/** The HTTP server and the process (src/main.ts, src/app.factory.ts). */
export const serverSettings = defineSettings(import.meta.url, {
  title: 'Server',
  settings: {
    PORT: integer({ default: 8000, min: 1, max: 65535, description: 'HTTP port of the API' }),
    HOST: text({
      default: '0.0.0.0',
      valid: (value) => value !== '',
      message: 'must not be empty',
      allowed: 'non-empty',
      description: 'address the API and `METRICS_PORT` listen on',
    }),
    ROLE: oneOf(ROLES, {
      default: 'all',
      message: `must be one of ${ROLES.join(', ')}`,
      description: '`all` serves and runs the pipeline, `api` only serves, `worker` only runs it',
    }),
    SHUTDOWN_GRACE_SECONDS: integer({
      default: 20,
      min: 2,
      max: 600,
      message: 'must be a whole number of seconds',
      description: "a stop (SIGTERM) taking longer ends by force; keep the orchestrator's grace above it",
    }),
    TRUST_PROXY: text({
      default: 'false',
      valid: (value) => parseTrustProxy(value) !== undefined,
      message:
        'must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDRs',
      allowed: '`true`/`false`, a hop count, or proxy addresses/CIDRs',
      description: 'which `X-Forwarded-For` entry is the client ([below](#behind-a-load-balancer))',
    }),
    BODY_MAX_BYTES: integer({
      default: 8192,
      min: 256,
      max: 1_048_576,
      message: 'must be a whole number of bytes',
      description: 'largest JSON or form body (413); the CSV upload has `UPLOAD_MAX_BYTES`',
    }),
    REQUEST_TIMEOUT_SECONDS: integer({
      default: 60,
      min: 1,
      max: 3600,
      message: 'must be a whole number of seconds',
      description: 'a request must have arrived whole within this (408)',
    }),
    KEEP_ALIVE_TIMEOUT_SECONDS: integer({
      default: 72,
      min: 1,
      max: 3600,
      message: 'must be a whole number of seconds',
      description: "an idle connection is closed after this (above load balancers' 60 s)",
    }),
    RATE_LIMIT_PER_MINUTE: integer({
      default: 600_000,
      min: 0,
      message: 'must be a whole number',
      description: 'requests a minute per client, else per address, on every route; 0 = no limit',
    }),
  },
  notes: [
    {
      heading: 'Behind a load balancer',
      text:
        'Rate limits count per client address: `false` takes the connecting peer. Behind proxies, give their ' +
        'addresses or CIDRs (safest) or their number, and let clients reach the app only through them; `true` ' +
        'believes a header any client can forge.',
    },
  ],
  toConfig: (env) => ({
    http: {
      port: env.PORT,
      host: env.HOST,
      /** Fastify's trustProxy: which X-Forwarded-For hops name the client. */
      trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
      bodyMaxBytes: env.BODY_MAX_BYTES,
      requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    },
    /** all: serve and run the pipeline; api: serve only; worker: run the pipeline only. */
    role: env.ROLE,
    /** How long a stop on a signal may take before the process ends by force. */
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    /** Requests per minute on every route; 0 = no general limit. */
    rateLimits: { perMinute: env.RATE_LIMIT_PER_MINUTE },
  }),
});
