import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Command, CommanderError } from 'commander';
import type { DataSource } from 'typeorm';
import { DataStatusService } from '../ingestion/data-status.service.js';
import { IngestionService } from '../ingestion/ingestion.service.js';
import type { ProgressReporter } from '../ingestion/progress.js';

export interface CliContext {
  /** Boots the app's modules; `runMigrations: false` for the commands that manage migrations. */
  open(options: { runMigrations: boolean }): Promise<INestApplicationContext>;
  /** A terminal bar when a person watches, else undefined (the service logs progress lines). */
  progress(): ProgressReporter | undefined;
  out(text: string): void;
}

/** Runs `work` with the app's modules open and always closes them (stopping an embedded server). */
async function withApp<T>(
  context: CliContext,
  runMigrations: boolean,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await context.open({ runMigrations });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function dataSourceOf(app: INestApplicationContext): DataSource {
  return app.get<DataSource>(getDataSourceToken());
}

export class CliUsageError extends Error {}

export function buildProgram(context: CliContext): Command {
  const program = new Command('movie-reco')
    .description('Operate the movie-reco service: database, data and pipeline.')
    .showHelpAfterError()
    .exitOverride();

  const db = program.command('db').description('Database schema');
  db.command('migrate')
    .description('Apply pending migrations')
    .action(() =>
      withApp(context, false, async (app) => {
        const applied = await dataSourceOf(app).runMigrations({ transaction: 'each' });
        context.out(
          applied.length === 0
            ? 'Schema is up to date; no migration to apply.'
            : `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m.name}`).join('\n')}`,
        );
      }),
    );
  db.command('revert')
    .description('Revert the most recent migration')
    .action(() =>
      withApp(context, false, async (app) => {
        const dataSource = dataSourceOf(app);
        const before = await dataSource
          .query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')
          .catch(() => []);
        if (before.length === 0) {
          context.out('No migration has been applied; nothing to revert.');
          return;
        }
        await dataSource.undoLastMigration({ transaction: 'each' });
        context.out(`Reverted ${before[0]!.name}.`);
      }),
    );

  program
    .command('ingest')
    .description('Load MovieLens data (MOVIELENS_DIR, or the official download)')
    .option('--all', 'load the whole dataset as one batch')
    .option('--json', 'print the result as JSON')
    .action((options: { all?: boolean; json?: boolean }) => {
      if (!options.all) throw new CliUsageError('say what to ingest: --all');
      return withApp(context, true, async (app) => {
        const result = await app.get(IngestionService).ingestAll(context.progress());
        if (options.json) context.out(JSON.stringify(result));
        else if (result.status === 'unchanged') {
          context.out(`${result.source} is already loaded (batch ${result.batchId}); nothing to do.`);
        } else {
          const rate = Math.round(result.ratingsRows / result.seconds);
          context.out(
            `Loaded batch ${result.batchId} from ${result.source} in ${result.seconds.toFixed(2)} s: ` +
              `${result.moviesRows} movies, ${result.ratingsRows} ratings (${rate} ratings/s), ` +
              `${result.quarantinedRows} rows quarantined.`,
          );
        }
      });
    });

  const data = program.command('data').description('Loaded data');
  data
    .command('status')
    .description('Data version and row counts')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) =>
      withApp(context, true, async (app) => {
        const status = await app.get(DataStatusService).status();
        if (options.json) {
          context.out(JSON.stringify(status));
          return;
        }
        context.out(
          [
            `data version      ${status.dataVersion}`,
            `batches           ${status.batches}`,
            `movies            ${status.movies}`,
            `ratings           ${status.ratings}`,
            `quarantined rows  ${status.quarantinedRows}`,
            `last loaded at    ${status.lastLoadedAt ?? 'never'}`,
          ].join('\n'),
        );
      }),
    );

  return program;
}

export { CommanderError };
