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
  opened.add(app);
  return app;
}

const opened = new Set<INestApplicationContext>();

/**
 * On an interrupt: closes the apps the command opened — a pipeline run is cancelled and recorded so,
 * what it had not committed rolled back — then stops the embedded servers this process started.
 * Bounded: a close that takes longer than `graceMs` is cut short, the servers stopped all the same.
 */
export async function closeOnInterrupt(graceMs: number): Promise<void> {
  const closing = Promise.all([...opened].map((app) => app.close()));
  const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
  await Promise.race([closing.catch(() => undefined), deadline]);
  await EmbeddedPostgres.stopAll();
}

/** Stops the embedded servers this process started (a command that failed before closing). */
export function stopEmbeddedServers(): Promise<void> {
  return EmbeddedPostgres.stopAll();
}
