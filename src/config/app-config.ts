import { resolve } from 'node:path';
import { type AuthClient, parseAuthClients } from './auth-clients.js';
import {
  ConfigError,
  type Environment,
  type EvaluationProtocol,
  type LogFormat,
  type LogLevel,
  parseEnvironment,
  parseTrustProxy,
  type PeriodKind,
  type Role,
} from './environment.js';

/** MODEL_PARAMS as numbers by name; training checks the names and ranges (src/training/model-settings.ts). */
function parseModelParams(text: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError([`MODEL_PARAMS=${JSON.stringify(text)}: not valid JSON`]);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.some(([, value]) => typeof value !== 'number' || !Number.isFinite(value))) {
    throw new ConfigError([`MODEL_PARAMS=${JSON.stringify(text)}: every value must be a number`]);
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

/** Typed configuration used everywhere in the app; built once from the environment. */
export class AppConfig {
  readonly http: {
    port: number;
    host: string;
    /** Fastify's trustProxy: which X-Forwarded-For hops name the client. */
    trustProxy: boolean | number | string[];
    bodyMaxBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  /**
   * Requests per minute; `perMinute` 0 = no general limit. Rating writes: `feedbackPerMinute` per
   * client and `feedbackPerUser` per user in any `feedbackWindowMs` (a sliding window).
   */
  readonly rateLimits: {
    perMinute: number;
    tokenPerMinute: number;
    feedbackPerMinute: number;
    feedbackPerUser: number;
    feedbackWindowMs: number;
  };
  /** port: the listener serving only /metrics (none when undefined); public: /metrics on the API port. */
  readonly metrics: { refreshSeconds: number; port?: number; public: boolean };
  readonly database: {
    url?: string;
    embeddedDataDir: string;
    embeddedPort: number;
    embeddedRestartAttempts: number;
  };
  readonly movielens: { dir?: string; url: string; sha256?: string; cacheDir: string };
  readonly logLevel: LogLevel;
  /** auto: readable lines on a terminal, JSON lines otherwise (src/common/logger.ts). */
  readonly logFormat: LogFormat;
  /** all: serve and run the pipeline; api: serve only; worker: run the pipeline only. */
  readonly role: Role;
  readonly autoIngest: boolean;
  /** The first wait before the first-start load is tried again (it doubles per attempt). */
  readonly firstLoadRetryMs: number;
  /** How long a stop on a signal may take before the process ends by force. */
  readonly shutdownGraceMs: number;
  /** startYear undefined: the first batch ends three years before the data's last rating. */
  readonly replay: { period: PeriodKind; startYear: number | undefined };
  /** A cron expression, or undefined when the schedule is off. */
  readonly pipeline: { cron?: string; uploadMaxBytes: number };
  readonly validation: {
    maxBadRowShare: number;
    /** Quarantined rows are kept this long after their batch, at most this many per batch. */
    quarantineRetentionDays: number;
    quarantineMaxRowsPerBatch: number;
  };
  /** Thresholds, and the fewest ratings a batch needs for its drift to be measured. */
  readonly drift: { psi: number; ks: number; newUserShare: number; minSample: number };
  readonly models: { params: Record<string, number>; promotionTolerance: number };
  /**
   * How recent a known user's last rating must be for the session model to serve them; whether the
   * ratings since training are folded in, and how many are held.
   */
  readonly serving: {
    sessionSeconds: number;
    foldIn: boolean;
    foldInLimits: { maxRatings: number; maxPerUser: number };
  };
  /**
   * The offline protocol the gate decides on, and the next-day protocol's gap; the replay stage's
   * sample of users (undefined = all) and time budget.
   */
  readonly evaluation: {
    primaryProtocol: EvaluationProtocol;
    gapSeconds: number;
    maxUsers?: number;
    replay: { maxUsers?: number; budgetSeconds: number };
  };
  /**
   * No clients = no token is ever issued or accepted: guarded routes answer 401.
   * userReadsRequireToken: GET /users/:id/recommendations takes a `users:read` token.
   */
  readonly auth: {
    clients: AuthClient[];
    jwtSecret?: string;
    tokenTtlSeconds: number;
    userReadsRequireToken: boolean;
  };
  /** NODE_ENV=production. */
  readonly production: boolean;
  /** How much pending feedback one pipeline run adopts; the rest waits for the next run. */
  readonly feedback: { maxRowsPerRun: number; maxNewUsersPerRun: number };
  /** Recording of the lists served and of their hits (src/impressions). */
  readonly impressions: {
    enabled: boolean;
    retentionDays: number;
    maxRows: number;
    hitWindowHours: number;
    bufferRows: number;
  };

  constructor(env: Environment) {
    this.production = env.NODE_ENV === 'production';
    this.http = {
      port: env.PORT,
      host: env.HOST,
      trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
      bodyMaxBytes: env.BODY_MAX_BYTES,
      requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    };
    this.rateLimits = {
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      tokenPerMinute: env.TOKEN_RATE_LIMIT_PER_MINUTE,
      feedbackPerMinute: env.FEEDBACK_RATE_LIMIT_PER_MINUTE,
      feedbackPerUser: env.FEEDBACK_USER_RATE_LIMIT_PER_MINUTE,
      feedbackWindowMs: env.FEEDBACK_RATE_LIMIT_WINDOW_SECONDS * 1000,
    };
    this.metrics = {
      refreshSeconds: env.METRICS_REFRESH_SECONDS,
      port: env.METRICS_PORT,
      public: env.PUBLIC_METRICS,
    };
    this.database = {
      url: env.DATABASE_URL,
      embeddedDataDir: resolve(env.PG_DATA_DIR),
      embeddedPort: env.PG_PORT,
      embeddedRestartAttempts: env.PG_RESTART_ATTEMPTS,
    };
    this.movielens = {
      dir: env.MOVIELENS_DIR ? resolve(env.MOVIELENS_DIR) : undefined,
      url: env.MOVIELENS_URL,
      sha256: env.MOVIELENS_SHA256?.toLowerCase(),
      cacheDir: resolve(env.DATA_CACHE_DIR),
    };
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT;
    this.role = env.ROLE;
    this.autoIngest = env.AUTO_INGEST;
    this.firstLoadRetryMs = env.FIRST_LOAD_RETRY_SECONDS * 1000;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
    this.replay = { period: env.REPLAY_PERIOD, startYear: env.REPLAY_START_YEAR };
    this.pipeline = {
      cron: env.PIPELINE_CRON === 'off' ? undefined : env.PIPELINE_CRON,
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    };
    this.validation = {
      maxBadRowShare: env.MAX_BAD_ROW_SHARE,
      quarantineRetentionDays: env.QUARANTINE_RETENTION_DAYS,
      quarantineMaxRowsPerBatch: env.QUARANTINE_MAX_ROWS_PER_BATCH,
    };
    this.drift = {
      psi: env.DRIFT_PSI_THRESHOLD,
      ks: env.DRIFT_KS_THRESHOLD,
      newUserShare: env.DRIFT_NEW_USER_SHARE_THRESHOLD,
      minSample: env.DRIFT_MIN_SAMPLE,
    };
    this.models = { params: parseModelParams(env.MODEL_PARAMS), promotionTolerance: env.PROMOTION_TOLERANCE };
    this.serving = {
      sessionSeconds: env.SESSION_MINUTES * 60,
      foldIn: env.FOLD_IN,
      foldInLimits: { maxRatings: env.FOLD_IN_MAX_RATINGS, maxPerUser: env.FOLD_IN_MAX_RATINGS_PER_USER },
    };
    this.evaluation = {
      primaryProtocol: env.EVALUATION_PROTOCOL,
      gapSeconds: env.EVALUATION_GAP_SECONDS,
      maxUsers: env.EVALUATION_MAX_USERS === 0 ? undefined : env.EVALUATION_MAX_USERS,
      replay: {
        maxUsers: env.EVALUATION_REPLAY_MAX_USERS === 0 ? undefined : env.EVALUATION_REPLAY_MAX_USERS,
        budgetSeconds: env.EVALUATION_REPLAY_BUDGET_SECONDS,
      },
    };
    this.auth = {
      clients: parseAuthClients(env.AUTH_CLIENTS),
      jwtSecret: env.JWT_SECRET,
      tokenTtlSeconds: env.JWT_TTL_SECONDS,
      userReadsRequireToken: env.USER_READS_REQUIRE_TOKEN ?? this.production,
    };
    this.feedback = {
      maxRowsPerRun: env.FEEDBACK_MAX_ROWS_PER_RUN,
      maxNewUsersPerRun: env.FEEDBACK_MAX_NEW_USERS_PER_RUN,
    };
    this.impressions = {
      enabled: env.IMPRESSIONS,
      retentionDays: env.IMPRESSIONS_RETENTION_DAYS,
      maxRows: env.IMPRESSIONS_MAX_ROWS,
      hitWindowHours: env.IMPRESSIONS_HIT_WINDOW_HOURS,
      bufferRows: env.IMPRESSIONS_BUFFER_ROWS,
    };
  }

  static fromEnvironment(
    env: Record<string, string | undefined> = process.env,
    overrides: Record<string, string | undefined> = {},
  ): AppConfig {
    return new AppConfig(parseEnvironment({ ...env, ...overrides }));
  }
}
