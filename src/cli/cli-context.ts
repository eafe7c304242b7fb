/**
 * What every command file shares: the context the program is built with, opening the app around a
 * command's work, and the errors that set the exit status (cli.ts: a usage error exits with 2, any
 * other with 1).
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProgressReporter } from '../common/progress.js';

/** The services commands look up in the open app (see app-services.ts). */
export const services = () => import('./app-services.js');

export interface CliContext {
  /** Boots the app's modules; `runMigrations: false` for the commands that manage migrations. */
  open(options: { runMigrations: boolean }): Promise<INestApplicationContext>;
  /** A terminal bar when a person watches, else undefined (the service logs progress lines). */
  progress(): ProgressReporter | undefined;
  out(text: string): void;
  /** Asks a yes/no question on a terminal; undefined when no one can answer (not a terminal). */
  confirm?(question: string): Promise<boolean | undefined>;
}

/** Bad arguments: the command line is wrong, not the data or the service (exit status 2). */
export class CliUsageError extends Error {}

/** A run that did not succeed makes the command fail, with the run's error as the message. */
export class RunFailedError extends Error {}

/**
 * Runs `work` with the app's modules open and always closes them (stopping an embedded server).
 * Commands that write apply pending migrations first, as the server does; read-only ones do not,
 * and say so when the schema is missing.
 */
export async function withApp<T>(
  context: CliContext,
  access: 'write' | 'read' | 'schema',
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await context.open({ runMigrations: access === 'write' });
  try {
    if (access === 'read' && (await (await dataSourceOf(app)).showMigrations())) {
      throw new Error('the database schema is not up to date: run `db migrate` first');
    }
    return await work(app);
  } finally {
    await app.close();
  }
}

export async function dataSourceOf(app: INestApplicationContext): Promise<DataSource> {
  return app.get<DataSource>((await services()).getDataSourceToken());
}

/**
 * Asks before a command removes data: yes with `--yes`, else the person at the terminal answers;
 * with no terminal to ask on, a usage error that says what would be lost and how to go ahead.
 */
export async function confirmRemoval(context: CliContext, yes: boolean | undefined, question: string) {
  if (yes) return true;
  const answer = await context.confirm?.(question);
  if (answer === undefined) {
    throw new CliUsageError(
      `${question.replace(/ Revert\?$/, '')} Run again with --yes to revert (no terminal to ask on).`,
    );
  }
  return answer;
}
