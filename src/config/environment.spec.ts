import { AppConfig } from './app-config.js';
import { ConfigError, parseEnvironment } from './environment.js';

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
});
