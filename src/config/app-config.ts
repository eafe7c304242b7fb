import { resolve } from 'node:path';
import { type Environment, type LogLevel, parseEnvironment } from './environment.js';

/** Typed configuration used everywhere in the app; built once from the environment. */
export class AppConfig {
  readonly http: { port: number; host: string };
  readonly database: { url?: string; embeddedDataDir: string; embeddedPort: number };
  readonly movielens: { dir?: string; url: string; sha256?: string; cacheDir: string };
  readonly logLevel: LogLevel;
  readonly autoIngest: boolean;

  constructor(env: Environment) {
    this.http = { port: env.PORT, host: env.HOST };
    this.database = {
      url: env.DATABASE_URL,
      embeddedDataDir: resolve(env.PG_DATA_DIR),
      embeddedPort: env.PG_PORT,
    };
    this.movielens = {
      dir: env.MOVIELENS_DIR ? resolve(env.MOVIELENS_DIR) : undefined,
      url: env.MOVIELENS_URL,
      sha256: env.MOVIELENS_SHA256?.toLowerCase(),
      cacheDir: resolve(env.DATA_CACHE_DIR),
    };
    this.logLevel = env.LOG_LEVEL;
    this.autoIngest = env.AUTO_INGEST;
  }

  static fromEnvironment(
    env: Record<string, string | undefined> = process.env,
    overrides: Record<string, string | undefined> = {},
  ): AppConfig {
    return new AppConfig(parseEnvironment({ ...env, ...overrides }));
  }
}
