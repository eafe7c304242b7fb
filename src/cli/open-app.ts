import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';
import { CliModule } from './cli.module.js';
import { cliLoggerParams, cliStartupLogger } from './terminal-log.js';

/**
 * Boots the app's modules for a command that needs them. Loaded only then (cli.ts imports it on
 * demand): `help`, usage errors and the commands without a database never pay for NestJS,
 * TypeORM and the configuration.
 */
export async function openApp(options: { runMigrations: boolean }): Promise<INestApplicationContext> {
  // The CLI never starts the first-start load or the schedule: it does what it is told. On a
  // terminal the progress display replaces the info lines, so logging defaults to warnings there.
  const config = AppConfig.fromEnvironment(process.env, {
    AUTO_INGEST: 'false',
    PIPELINE_CRON: 'off',
    LOG_LEVEL: process.env.LOG_LEVEL || (process.stderr.isTTY ? 'warn' : 'info'),
  });
  const logParams = cliLoggerParams(config.logLevel, process.stderr.isTTY === true);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, options, logParams), {
    abortOnError: false,
    logger: cliStartupLogger(logParams),
  });
  app.useLogger(app.get(Logger));
  return app;
}

/** Stops the embedded servers this process started, e.g. when interrupted. */
export function stopEmbeddedServers(): Promise<void> {
  return EmbeddedPostgres.stopAll();
}
