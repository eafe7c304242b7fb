import { AppConfig } from './app-config.js';
import { parseTrustProxy } from '../common/settings/server.settings.js';
import { ConfigError, ENVIRONMENT_VARIABLES, MODULES, parseEnvironment } from './environment.js';

describe('parseEnvironment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = parseEnvironment({});
    expect(env.PORT).toBe(8000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PG_DATA_DIR).toBe('./data/postgres');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.AUTO_INGEST).toBe(true);
  });

  it('converts numbers and booleans from their text form', () => {
    const env = parseEnvironment({ PORT: '9001', AUTO_INGEST: 'off', LOG_LEVEL: 'debug' });
    expect(env.PORT).toBe(9001);
    expect(env.AUTO_INGEST).toBe(false);
    expect(env.LOG_LEVEL).toBe('debug');
  });

  it('names every wrong variable and its value', () => {
    let error: unknown;
    try {
      parseEnvironment({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('DATABASE_URL="mysql://x"');
    expect(message).toContain('LOG_LEVEL="loud"');
  });

  it('treats an empty DATABASE_URL as unset (embedded database)', () => {
    expect(parseEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('rejects a port outside 1..65535', () => {
    expect(() => parseEnvironment({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });
});

describe('AppConfig', () => {
  it('resolves folders to absolute paths', () => {
    const config = AppConfig.fromEnvironment({}, { PG_DATA_DIR: 'rel/pg', MOVIELENS_DIR: 'ml' });
    expect(config.database.embeddedDataDir.startsWith('/')).toBe(true);
    expect(config.movielens.dir?.endsWith('/ml')).toBe(true);
  });

  it('takes model parameters as JSON numbers', () => {
    expect(AppConfig.fromEnvironment({}, { MODEL_PARAMS: '{"lambda": 500}' }).models.params).toEqual({
      lambda: 500,
    });
    expect(() => AppConfig.fromEnvironment({}, { MODEL_PARAMS: '{"lambda": "x"}' })).toThrow(
      /every value must be a number/,
    );
  });

  it('guards per-user reads in production and not in development, unless USER_READS_REQUIRE_TOKEN says', () => {
    const userReads = (env: Record<string, string>) =>
      AppConfig.fromEnvironment({}, env).auth.userReadsRequireToken;
    expect(userReads({})).toBe(false);
    expect(userReads({ NODE_ENV: 'development' })).toBe(false);
    expect(userReads({ NODE_ENV: 'production' })).toBe(true);
    expect(userReads({ NODE_ENV: 'production', USER_READS_REQUIRE_TOKEN: 'false' })).toBe(false);
    expect(userReads({ USER_READS_REQUIRE_TOKEN: 'true' })).toBe(true);
    expect(userReads({ NODE_ENV: 'production', USER_READS_REQUIRE_TOKEN: '' })).toBe(true);
    expect(() => userReads({ USER_READS_REQUIRE_TOKEN: 'sometimes' })).toThrow(
      /USER_READS_REQUIRE_TOKEN="sometimes": USER_READS_REQUIRE_TOKEN must be true or false/,
    );
  });

  it('caps the feedback a run adopts, by rows and by new users', () => {
    expect(AppConfig.fromEnvironment({}, {}).feedback).toEqual({
      maxRowsPerRun: 100_000,
      maxNewUsersPerRun: 1_000,
    });
    expect(
      AppConfig.fromEnvironment({}, { FEEDBACK_MAX_ROWS_PER_RUN: '50', FEEDBACK_MAX_NEW_USERS_PER_RUN: '0' })
        .feedback,
    ).toEqual({ maxRowsPerRun: 50, maxNewUsersPerRun: 0 });
    expect(() => parseEnvironment({ FEEDBACK_MAX_ROWS_PER_RUN: '0' })).toThrow(
      /FEEDBACK_MAX_ROWS_PER_RUN="0"/,
    );
    expect(() => parseEnvironment({ FEEDBACK_MAX_NEW_USERS_PER_RUN: '-1' })).toThrow(
      /FEEDBACK_MAX_NEW_USERS_PER_RUN="-1"/,
    );
  });

  it('replays each new batch on a sample of 2,000 users within 60 s by default; 0 users = all', () => {
    expect(AppConfig.fromEnvironment({}, {}).evaluation.replay).toEqual({
      maxUsers: 2_000,
      budgetSeconds: 60,
    });
    expect(
      AppConfig.fromEnvironment(
        {},
        { EVALUATION_REPLAY_MAX_USERS: '0', EVALUATION_REPLAY_BUDGET_SECONDS: '5' },
      ).evaluation.replay,
    ).toEqual({ maxUsers: undefined, budgetSeconds: 5 });
    expect(() => parseEnvironment({ EVALUATION_REPLAY_BUDGET_SECONDS: '0' })).toThrow(
      /EVALUATION_REPLAY_BUDGET_SECONDS="0"/,
    );
  });

  it('records impressions by default, kept 30 days and at most 5,000,000, hit within 24 hours', () => {
    expect(AppConfig.fromEnvironment({}, {}).impressions).toEqual({
      enabled: true,
      retentionDays: 30,
      maxRows: 5_000_000,
      hitWindowHours: 24,
      bufferRows: 50_000,
    });
    expect(AppConfig.fromEnvironment({}, { IMPRESSIONS: 'off' }).impressions.enabled).toBe(false);
    expect(() => parseEnvironment({ IMPRESSIONS_MAX_ROWS: '10' })).toThrow(/IMPRESSIONS_MAX_ROWS="10"/);
    // A list deleted before its hit window closes could never be hit.
    expect(() =>
      parseEnvironment({ IMPRESSIONS_RETENTION_DAYS: '1', IMPRESSIONS_HIT_WINDOW_HOURS: '48' }),
    ).toThrow(/IMPRESSIONS_HIT_WINDOW_HOURS=48: longer than IMPRESSIONS_RETENTION_DAYS \(1 days\)/);
  });
});

describe('parseTrustProxy (TRUST_PROXY)', () => {
  it.each([
    ['false', false],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.1, 192.168.0.0/16', ['10.0.0.1', '192.168.0.0/16']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ])('reads %j', (text, value) => {
    expect(parseTrustProxy(text)).toEqual(value);
  });

  it.each(['maybe', '1.5', 'proxy.example.com', '10.0.0.0/8;rm'])('refuses %j at start', (text) => {
    expect(() => parseEnvironment({ TRUST_PROXY: text })).toThrow(/TRUST_PROXY must be true, false/);
  });
});

describe('parseEnvironment: the real problem of a value', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      parseEnvironment(env);
    } catch (error) {
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('says a port that is not a number must be one, not that it is too large', () => {
    expect(problemsOf({ PORT: 'abc', PG_PORT: 'abc' })).toEqual([
      'PORT="abc": PORT must be an integer number',
      'PG_PORT="abc": PG_PORT must be an integer number',
    ]);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT="70000": PORT must not be greater than 65535']);
  });

  it('reads LOG_FORMAT as auto (the default), json or pretty, and names the three otherwise', () => {
    expect(parseEnvironment({}).LOG_FORMAT).toBe('auto');
    expect(parseEnvironment({ LOG_FORMAT: '' }).LOG_FORMAT).toBe('auto');
    expect(parseEnvironment({ LOG_FORMAT: ' JSON ' }).LOG_FORMAT).toBe('json');
    expect(parseEnvironment({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(problemsOf({ LOG_FORMAT: 'fancy' })).toEqual([
      'LOG_FORMAT="fancy": LOG_FORMAT must be one of auto, json, pretty',
    ]);
  });

  it('reads REPLAY_START_YEAR as a year, or as auto (the default) when unset, empty or "auto"', () => {
    expect(parseEnvironment({}).REPLAY_START_YEAR).toBeUndefined();
    expect(parseEnvironment({ REPLAY_START_YEAR: 'auto' }).REPLAY_START_YEAR).toBeUndefined();
    expect(parseEnvironment({ REPLAY_START_YEAR: '' }).REPLAY_START_YEAR).toBeUndefined();
    expect(parseEnvironment({ REPLAY_START_YEAR: '2017' }).REPLAY_START_YEAR).toBe(2017);
    expect(problemsOf({ REPLAY_START_YEAR: 'soon' })).toEqual([
      'REPLAY_START_YEAR="soon": REPLAY_START_YEAR must be a year such as 2015, or auto',
    ]);
  });
});

describe('METRICS_PORT and PUBLIC_METRICS', () => {
  it('serves /metrics on the API port only, by default', () => {
    expect(AppConfig.fromEnvironment({}, {}).metrics).toMatchObject({ port: undefined, public: true });
  });

  it('takes a port of its own for the metrics, and turns the public route off', () => {
    const config = AppConfig.fromEnvironment({}, { METRICS_PORT: '9464', PUBLIC_METRICS: 'false' });
    expect(config.metrics).toMatchObject({ port: 9464, public: false });
    expect(AppConfig.fromEnvironment({}, { METRICS_PORT: '' }).metrics.port).toBeUndefined();
  });

  it('refuses a metrics port that is no port, or the API port itself', () => {
    expect(() => parseEnvironment({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT="70000"/);
    expect(() => parseEnvironment({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT must be a whole number/);
    expect(() => parseEnvironment({ PORT: '9000', METRICS_PORT: '9000' })).toThrow(/the same as PORT/);
    expect(() => parseEnvironment({ PUBLIC_METRICS: 'maybe' })).toThrow(
      /PUBLIC_METRICS must be true or false/,
    );
  });
});

describe('the settings of the modules', () => {
  it('declare each variable once, and fill each field of AppConfig once', () => {
    expect(new Set(ENVIRONMENT_VARIABLES).size).toBe(ENVIRONMENT_VARIABLES.length);
    const env = parseEnvironment({});
    const fields = MODULES.flatMap((module) =>
      Object.entries(module.toConfig(env)).flatMap(([group, value]) =>
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.keys(value).map((field) => `${group}.${field}`)
          : [group],
      ),
    );
    expect(fields.filter((field, i) => fields.indexOf(field) !== i)).toEqual([]);
  });

  it('list the rules across variables together, once every variable is valid', () => {
    expect(() => parseEnvironment({ PORT: 'abc', METRICS_PORT: '8000' })).toThrow(
      /^Invalid configuration:\n {2}- PORT="abc": PORT must be an integer number$/,
    );
    const problems = (() => {
      try {
        parseEnvironment({
          METRICS_PORT: '8000',
          IMPRESSIONS_RETENTION_DAYS: '1',
          IMPRESSIONS_HIT_WINDOW_HOURS: '48',
        });
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      expect.stringMatching(/^IMPRESSIONS_HIT_WINDOW_HOURS=48: longer than/),
      'METRICS_PORT=8000: the same as PORT; give the metrics a port of their own',
    ]);
  });

  it('read MODEL_PARAMS with the other variables', () => {
    expect(() => parseEnvironment({ PORT: 'abc', MODEL_PARAMS: '{x}' })).toThrow(
      'PORT="abc": PORT must be an integer number\n  - MODEL_PARAMS="{x}": not valid JSON',
    );
  });
});
