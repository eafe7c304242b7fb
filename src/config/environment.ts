import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  IsNotEmpty,
  IsNumber,
  NotEquals,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { validateCronExpression } from 'cron';
import { maskUrlPasswords } from './mask-url.js';
import { MIN_BITS, secretWeakness } from './secret-strength.js';
import { IsAuthClients, parseAuthClients, productionClientProblems } from './auth-clients.js';

@ValidatorConstraint({ name: 'isCronOrOff' })
class IsCronOrOff implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && (value === 'off' || validateCronExpression(value).valid);
  }

  defaultMessage(): string {
    return 'PIPELINE_CRON must be a cron expression (5 fields, or 6 with seconds) or "off"';
  }
}

/** TRUST_PROXY: true/false, a hop count, or a list of addresses/CIDRs (see parseTrustProxy). */
@ValidatorConstraint({ name: 'isTrustProxy' })
class IsTrustProxy implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== undefined;
  }

  defaultMessage(): string {
    return 'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDRs';
  }
}

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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The server's log lines: `auto` is readable lines when stdout is a terminal, JSON lines otherwise. */
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The offline protocols (src/core/protocol/split.ts): the gate and model choice rest on one. */
const EVALUATION_PROTOCOLS = ['session', 'next-day'] as const;
export type EvaluationProtocol = (typeof EVALUATION_PROTOCOLS)[number];

/**
 * What this process does: `all` serves and runs the pipeline (one process, the default); `api`
 * serves only and never trains; `worker` runs the schedule, the first-start load and pipeline
 * runs, and serves only /status and /metrics.
 */
const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** How the replay cuts the ratings history into batches (see src/ingestion/periods.ts). */
const PERIOD_KINDS = ['year', 'quarter', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The environment variables the service reads, with their defaults and rules. */
export class Environment {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8000;

  @IsNotEmpty({ message: 'HOST must not be empty' })
  @IsString()
  HOST: string = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @IsString()
  PG_DATA_DIR: string = './data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  @NotEquals(5432, {
    message: 'PG_PORT must not be 5432, the port a PostgreSQL of the machine usually holds',
  })
  PG_PORT: number = 54329;

  /**
   * Restarts of the embedded PostgreSQL after it exits on its own (0.5 s, then twice as long each
   * time, at most 8 s apart); when none succeeds, liveness fails so the orchestrator restarts the app.
   */
  @Transform(toInt)
  @IsInt({ message: 'PG_RESTART_ATTEMPTS must be a whole number' })
  @Min(0)
  @Max(100)
  PG_RESTART_ATTEMPTS: number = 8;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MOVIELENS_DIR?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MOVIELENS_URL: string = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'MOVIELENS_SHA256 must be 64 hexadecimal characters' })
  MOVIELENS_SHA256?: string;

  @IsString()
  DATA_CACHE_DIR: string = './data/cache';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() || 'auto' : value))
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormat = 'auto';

  @IsIn(ROLES, { message: `ROLE must be one of ${ROLES.join(', ')}` })
  ROLE: Role = 'all';

  @Transform(toBool)
  @IsBoolean({ message: 'AUTO_INGEST must be true or false' })
  AUTO_INGEST: boolean = true;

  @IsIn(PERIOD_KINDS)
  REPLAY_PERIOD: PeriodKind = 'year';

  /**
   * The first replay batch holds every rating up to the end of this year; unset or `auto`: up to
   * three years before the data's last rating, read from the data (src/ingestion/periods.ts).
   */
  @Transform(({ value }) =>
    typeof value === 'string' && ['', 'auto'].includes(value.trim().toLowerCase())
      ? undefined
      : toInt({ value }),
  )
  @IsOptional()
  @IsInt({ message: 'REPLAY_START_YEAR must be a year such as 2015, or auto' })
  @Min(1995)
  @Max(2100)
  REPLAY_START_YEAR?: number;

  /** The wait before the first-start load is tried again after it failed; it doubles per attempt. */
  @Transform(toInt)
  @IsInt({ message: 'FIRST_LOAD_RETRY_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  FIRST_LOAD_RETRY_SECONDS: number = 10;

  /**
   * How long a stop (SIGTERM/SIGINT) may take: runs are cancelled at once, and a process still
   * there after this is ended by force. An orchestrator's grace period must be longer.
   */
  @Transform(toInt)
  @IsInt({ message: 'SHUTDOWN_GRACE_SECONDS must be a whole number of seconds' })
  @Min(2)
  @Max(600)
  SHUTDOWN_GRACE_SECONDS: number = 20;

  @Validate(IsCronOrOff)
  PIPELINE_CRON: string = '0 0 * * *';

  @Transform(toNumber)
  @IsNumber({}, { message: 'MAX_BAD_ROW_SHARE must be a number' })
  @Min(0)
  @Max(1)
  MAX_BAD_ROW_SHARE: number = 0.05;

  /** Quarantined rows of batches older than this are deleted (daily, and by `data prune`). */
  @Transform(toInt)
  @IsInt({ message: 'QUARANTINE_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  @Max(3650)
  QUARANTINE_RETENTION_DAYS: number = 30;

  /** At most this many quarantined rows are stored per batch; the rest are only counted. */
  @Transform(toInt)
  @IsInt({ message: 'QUARANTINE_MAX_ROWS_PER_BATCH must be a whole number' })
  @Min(0)
  @Max(10_000_000)
  QUARANTINE_MAX_ROWS_PER_BATCH: number = 10_000;

  @Transform(toNumber)
  @IsNumber({}, { message: 'DRIFT_PSI_THRESHOLD must be a number' })
  @Min(0)
  DRIFT_PSI_THRESHOLD: number = 0.2;

  @Transform(toNumber)
  @IsInt({ message: 'DRIFT_MIN_SAMPLE must be a whole number' })
  @Min(1)
  DRIFT_MIN_SAMPLE: number = 1000;

  @Transform(toNumber)
  @IsNumber({}, { message: 'DRIFT_KS_THRESHOLD must be a number' })
  @Min(0)
  @Max(1)
  DRIFT_KS_THRESHOLD: number = 0.3;

  /**
   * A batch whose share of ratings from users first seen in it is larger is flagged: a flood of
   * new accounts, or a sign-up campaign worth knowing of.
   */
  @Transform(toNumber)
  @IsNumber({}, { message: 'DRIFT_NEW_USER_SHARE_THRESHOLD must be a number' })
  @Min(0)
  @Max(1)
  DRIFT_NEW_USER_SHARE_THRESHOLD: number = 0.95;

  @Transform(toNumber)
  @IsNumber({}, { message: 'PROMOTION_TOLERANCE must be a number' })
  @Min(0)
  @Max(1)
  PROMOTION_TOLERANCE: number = 0.005;

  /**
   * A known user who rated within this many minutes is in a session: served by the session model
   * (what follows their newest ratings); others by the returning-user model. 0: nobody is.
   */
  @Transform(toInt)
  @IsInt({ message: 'SESSION_MINUTES must be a whole number of minutes' })
  @Min(0)
  @Max(24 * 60)
  SESSION_MINUTES: number = 30;

  /**
   * A rating sent or applied since training changes that user's next list at once: they are ranked
   * from their training history plus those ratings. false: those ratings are only left out of the
   * lists (as a nightly model would), for an A/B against the replay protocol.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'FOLD_IN must be true or false' })
  FOLD_IN: boolean = true;

  /**
   * Every serving process holds at most this many ratings since training in memory; beyond it the
   * users who rated least recently are dropped whole (their next list comes from training only).
   */
  @Transform(toInt)
  @IsInt({ message: 'FOLD_IN_MAX_RATINGS must be a whole number' })
  @Min(1)
  @Max(100_000_000)
  FOLD_IN_MAX_RATINGS: number = 1_000_000;

  /** At most this many of one user's ratings since training are held; the oldest are dropped. */
  @Transform(toInt)
  @IsInt({ message: 'FOLD_IN_MAX_RATINGS_PER_USER must be a whole number' })
  @Min(1)
  @Max(100_000)
  FOLD_IN_MAX_RATINGS_PER_USER: number = 500;

  /** The protocol the promotion gate decides on; both are measured and registered. */
  @IsIn(EVALUATION_PROTOCOLS, {
    message: `EVALUATION_PROTOCOL must be one of ${EVALUATION_PROTOCOLS.join(', ')}`,
  })
  EVALUATION_PROTOCOL: EvaluationProtocol = 'next-day';

  /**
   * The pipeline's evaluation scores at most this many test users (a seeded sample) per protocol,
   * so it stays within minutes on large data; 0 = all. The CLI's `evaluate` scores all.
   */
  @Transform(toInt)
  @IsInt({ message: 'EVALUATION_MAX_USERS must be a whole number' })
  @Min(0)
  EVALUATION_MAX_USERS: number = 10_000;

  /**
   * The pipeline's replay stage (the production model scored on each new batch before training on
   * it) ranks the events of at most this many of the batch's users (a seeded sample); 0 = all.
   */
  @Transform(toInt)
  @IsInt({ message: 'EVALUATION_REPLAY_MAX_USERS must be a whole number' })
  @Min(0)
  EVALUATION_REPLAY_MAX_USERS: number = 2_000;

  /** The replay stage stops ranking after this long; the figure then covers the earlier events. */
  @Transform(toInt)
  @IsInt({ message: 'EVALUATION_REPLAY_BUDGET_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(86_400)
  EVALUATION_REPLAY_BUDGET_SECONDS: number = 60;

  /** next-day protocol: test ratings at least this long after the user's last train rating. */
  @Transform(toInt)
  @IsInt({ message: 'EVALUATION_GAP_SECONDS must be a whole number of seconds' })
  @Min(60)
  @Max(365 * 86_400)
  EVALUATION_GAP_SECONDS: number = 86_400;

  /** Hyper-parameters of the known-user model (ease-seq) as JSON, e.g. {"lambda": 500}; checked by training. */
  @Matches(/^\{.*\}$/s, { message: 'MODEL_PARAMS must be a JSON object, e.g. {"lambda": 500}' })
  MODEL_PARAMS: string = '{}';

  /**
   * Whose address a request comes from: `false` the connecting peer; `true` the leftmost
   * X-Forwarded-For entry (only behind a proxy that overwrites it); a number of proxy hops to trust;
   * or a comma-separated list of proxy addresses/CIDRs. Rate limits key on that address.
   */
  @Validate(IsTrustProxy)
  TRUST_PROXY: string = 'false';

  /** Largest JSON or form body (every route but the CSV upload, which has UPLOAD_MAX_BYTES). */
  @Transform(toInt)
  @IsInt({ message: 'BODY_MAX_BYTES must be a whole number of bytes' })
  @Min(256)
  @Max(1_048_576)
  BODY_MAX_BYTES: number = 8192;

  /** A request (headers and body) must have arrived within this; slower connections are closed. */
  @Transform(toInt)
  @IsInt({ message: 'REQUEST_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  REQUEST_TIMEOUT_SECONDS: number = 60;

  /** An idle kept-alive connection is closed after this (above a load balancer's usual 60 s). */
  @Transform(toInt)
  @IsInt({ message: 'KEEP_ALIVE_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  KEEP_ALIVE_TIMEOUT_SECONDS: number = 72;

  /** Requests per minute per client (bearer token) or else per address, on every route; 0 = no limit. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(0)
  RATE_LIMIT_PER_MINUTE: number = 600_000;

  /** Token requests per minute per address; each minute over it doubles the wait (up to an hour). */
  @Transform(toInt)
  @IsInt({ message: 'TOKEN_RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1)
  TOKEN_RATE_LIMIT_PER_MINUTE: number = 30;

  /** Rating writes (POST /users/:id/ratings) per client in any minute (sliding window). */
  @Transform(toInt)
  @IsInt({ message: 'FEEDBACK_RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1)
  FEEDBACK_RATE_LIMIT_PER_MINUTE: number = 600;

  /** Rating writes for one user (whichever client sends them) in any minute. */
  @Transform(toInt)
  @IsInt({ message: 'FEEDBACK_USER_RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1)
  @Max(10_000)
  FEEDBACK_USER_RATE_LIMIT_PER_MINUTE: number = 60;

  /** The "minute" of the two limits above, in seconds: shorter only for tests. */
  @Transform(toInt)
  @IsInt({ message: 'FEEDBACK_RATE_LIMIT_WINDOW_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  FEEDBACK_RATE_LIMIT_WINDOW_SECONDS: number = 60;

  /** How often the database-wide figures /metrics shows are read (scrapes never query). */
  @Transform(toInt)
  @IsInt({ message: 'METRICS_REFRESH_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  METRICS_REFRESH_SECONDS: number = 15;

  /** A second listener (on HOST) that serves only GET /metrics, for Prometheus; unset = none. */
  @Transform(({ value }) => toInt({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsInt({ message: 'METRICS_PORT must be a whole number' })
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** Whether the API port serves GET /metrics too; false answers 404 there (scrape METRICS_PORT). */
  @Transform(toBool)
  @IsBoolean({ message: 'PUBLIC_METRICS must be true or false' })
  PUBLIC_METRICS: boolean = true;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  UPLOAD_MAX_BYTES: number = 50 * 1024 * 1024;

  /** OAuth2 clients of the admin API, a JSON array (format in src/config/auth-clients.ts); unset = none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsAuthClients()
  AUTH_CLIENTS?: string;

  // Needed only to sign and check tokens, i.e. when there are clients to issue them to.
  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.AUTH_CLIENTS !== undefined)
  @Matches(/^.{32,}$/s, {
    message: 'JWT_SECRET of at least 32 characters is required when AUTH_CLIENTS is set',
  })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  JWT_TTL_SECONDS: number = 3600;

  /** `production` (the Docker image and the Kubernetes manifests) changes defaults; anything else is development. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /**
   * Whether GET /users/:id/recommendations takes a bearer token with `users:read` (the answer
   * reveals the user's ratings). Unset: yes when NODE_ENV=production, no otherwise.
   */
  @Transform(({ value }) => toBool({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsBoolean({ message: 'USER_READS_REQUIRE_TOKEN must be true or false' })
  USER_READS_REQUIRE_TOKEN?: boolean;

  /** A pipeline run adopts at most this many pending feedback ratings; the rest wait for the next run. */
  @Transform(toInt)
  @IsInt({ message: 'FEEDBACK_MAX_ROWS_PER_RUN must be a whole number' })
  @Min(1)
  FEEDBACK_MAX_ROWS_PER_RUN: number = 100_000;

  /**
   * A pipeline run adopts the feedback of at most this many users the data does not know yet
   * (each grows the model); the others' ratings wait for the next run. 0: only known users'.
   */
  @Transform(toInt)
  @IsInt({ message: 'FEEDBACK_MAX_NEW_USERS_PER_RUN must be a whole number' })
  @Min(0)
  FEEDBACK_MAX_NEW_USERS_PER_RUN: number = 1_000;

  /** Record every list served (impressions) and the hits later ratings give them: online quality. */
  @Transform(toBool)
  @IsBoolean({ message: 'IMPRESSIONS must be true or false' })
  IMPRESSIONS: boolean = true;

  /** Impressions older than this are deleted (hourly, by the process that runs the schedule). */
  @Transform(toInt)
  @IsInt({ message: 'IMPRESSIONS_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  @Max(3650)
  IMPRESSIONS_RETENTION_DAYS: number = 30;

  /** At most this many impressions are kept; the oldest beyond it are deleted with the old ones. */
  @Transform(toInt)
  @IsInt({ message: 'IMPRESSIONS_MAX_ROWS must be a whole number' })
  @Min(1000)
  IMPRESSIONS_MAX_ROWS: number = 5_000_000;

  /** A rating >= 4 of a shown movie this long after the list was served still counts as its hit. */
  @Transform(toInt)
  @IsInt({ message: 'IMPRESSIONS_HIT_WINDOW_HOURS must be a whole number of hours' })
  @Min(1)
  @Max(720)
  IMPRESSIONS_HIT_WINDOW_HOURS: number = 24;

  /**
   * Impressions (and hit checks) waiting in memory for their batched write; when full, new ones are
   * dropped and counted rather than slowing a request.
   */
  @Transform(toInt)
  @IsInt({ message: 'IMPRESSIONS_BUFFER_ROWS must be a whole number' })
  @Min(100)
  @Max(1_000_000)
  IMPRESSIONS_BUFFER_ROWS: number = 50_000;
}

/** Never echoed in an error message: they hold secrets. */
const SECRET_VARIABLES = new Set(['AUTH_CLIENTS', 'JWT_SECRET']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A value of the wrong type fails its range rules too (`PORT=abc` is "greater than 65535" to
 * @Max): only the type rule, which names the real problem, is reported then.
 */
function typeProblem(constraints: Record<string, string> | undefined): string | undefined {
  return constraints?.['isInt'] ?? constraints?.['isNumber'] ?? constraints?.['isBoolean'];
}

/** Reads and validates the environment once; throws ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const known = Object.keys(new Environment());
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== undefined && known.includes(key)),
  );
  const parsed = plainToInstance(Environment, relevant, { exposeDefaultValues: true });
  // Every rule is checked, so a type problem is known even when a range rule ran first.
  const errors = validateSync(parsed, { skipMissingProperties: false, stopAtFirstError: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => {
        const rules = typeProblem(error.constraints) ?? Object.values(error.constraints ?? {})[0];
        const value = SECRET_VARIABLES.has(error.property)
          ? '(hidden)'
          : maskUrlPasswords(JSON.stringify(relevant[error.property]));
        return `${error.property}=${value}: ${rules}`;
      }),
    );
  }
  if (parsed.IMPRESSIONS_HIT_WINDOW_HOURS > parsed.IMPRESSIONS_RETENTION_DAYS * 24) {
    throw new ConfigError([
      `IMPRESSIONS_HIT_WINDOW_HOURS=${parsed.IMPRESSIONS_HIT_WINDOW_HOURS}: longer than IMPRESSIONS_RETENTION_DAYS ` +
        `(${parsed.IMPRESSIONS_RETENTION_DAYS} days): a list would be deleted before its window closes`,
    ]);
  }
  if (parsed.METRICS_PORT !== undefined && parsed.METRICS_PORT === parsed.PORT) {
    throw new ConfigError([
      `METRICS_PORT=${parsed.METRICS_PORT}: the same as PORT; give the metrics a port of their own`,
    ]);
  }
  if (parsed.NODE_ENV === 'production') {
    const problems = productionSecretProblems(parsed);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return parsed;
}

/**
 * A production start refuses the secrets anyone could know: the placeholders and examples of the
 * repository, secrets with little variety, client secrets kept in plain text. A development start
 * takes them, so the Quick start and the tests need no generated secrets.
 */
function productionSecretProblems(env: Environment): string[] {
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
