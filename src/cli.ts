import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { CliModule } from './cli/cli.module.js';
import { buildProgram, CliUsageError, CommanderError } from './cli/commands.js';
import { terminalProgress } from './cli/progress-bar.js';
import { startupLogger } from './common/logger.js';
import { maskUrlPasswords } from './config/mask-url.js';
import { AppConfig } from './config/app-config.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram({
    open: async (options) => {
      // Read when a command needs the app: those that do not (synth, evaluate, auth hash-secret —
      // which fixes a production configuration) work whatever the environment holds.
      // The CLI never starts the first-start load or the schedule: it does what it is told. On a
      // terminal the progress bar replaces the info lines, so logging defaults to warnings there.
      const config = AppConfig.fromEnvironment(process.env, {
        AUTO_INGEST: 'false',
        PIPELINE_CRON: 'off',
        LOG_LEVEL: process.env.LOG_LEVEL || (process.stderr.isTTY ? 'warn' : 'info'),
      });
      const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, options), {
        abortOnError: false,
        logger: startupLogger(config.logLevel, 'stderr'),
      });
      app.useLogger(app.get(Logger));
      return app;
    },
    progress: () => (process.stderr.isTTY ? terminalProgress() : undefined),
    out: (text) => process.stdout.write(`${text}\n`),
    confirm: async (question) => {
      if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
  });
  await program.parseAsync(argv);
  return 0;
}

// Interrupted, the CLI stops the embedded server it started (its open transaction rolls back)
// rather than leave it running; the next start would have to clean up after it.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`interrupted (${signal}); nothing of the unfinished work is kept\n`);
    void EmbeddedPostgres.stopAll().finally(() => process.exit(code));
  });
}

main(process.argv).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (or the help asked for); any failure is a usage error.
      await EmbeddedPostgres.stopAll().catch(() => undefined);
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    const message = maskUrlPasswords(error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${message}\n`);
    if (!(error instanceof CliUsageError) && process.env.LOG_LEVEL === 'debug' && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
    await EmbeddedPostgres.stopAll().catch(() => undefined);
    process.exit(error instanceof CliUsageError ? 2 : 1);
  },
);
