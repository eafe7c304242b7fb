import { resolve } from 'node:path';
import { defineSettings, integer, text } from '../../config/declare/settings.js';

/** The database the app uses: an external PostgreSQL, or one it starts itself (embedded-postgres.ts). */
export const databaseSettings = defineSettings(import.meta.url, {
  title: 'PostgreSQL',
  intro:
    'Migrations run at every start ([command line](operations.md#command-line)). The embedded server keeps ' +
    'its passwords in `PG_DATA_DIR`: back them up with it.',
  settings: {
    DATABASE_URL: text({
      valid: /^postgres(ql)?:\/\/\S+$/,
      message: 'must be a postgres:// or postgresql:// connection URL',
      allowed: 'a `postgres://` or `postgresql://` URL',
      description: 'external PostgreSQL; unset = the embedded server',
    }),
    PG_DATA_DIR: text({
      default: './data/postgres',
      allowed: 'a path',
      description: 'data folder of the embedded server',
    }),
    PG_PORT: integer({
      default: 54329,
      min: 1024,
      max: 65535,
      not: { value: 5432, message: 'must not be 5432, the port a PostgreSQL of the machine usually holds' },
      description: 'port of the embedded server',
    }),
    /**
     * Restarts of the embedded PostgreSQL after it exits on its own (0.5 s, then twice as long each
     * time, at most 8 s apart); when none succeeds, liveness fails so the orchestrator restarts the app.
     */
    PG_RESTART_ATTEMPTS: integer({
      default: 8,
      min: 0,
      max: 100,
      message: 'must be a whole number',
      description: 'restarts of an embedded server that exited (0.5 s apart, doubling); then liveness fails',
    }),
  },
  toConfig: (env) => ({
    database: {
      url: env.DATABASE_URL,
      embeddedDataDir: resolve(env.PG_DATA_DIR),
      embeddedPort: env.PG_PORT,
      embeddedRestartAttempts: env.PG_RESTART_ATTEMPTS,
    },
  }),
});
