import type { Command } from 'commander';
import { type CliContext, confirmRemoval, dataSourceOf, services, withApp } from './cli-context.js';

/** `db migrate` and `db revert`: the schema, with the app open but no migration applied first. */
export function registerDbCommands(program: Command, context: CliContext): void {
  const db = program.command('db').description('Database schema');
  db.command('migrate')
    .description('Apply pending migrations')
    .action(() =>
      withApp(context, 'schema', async (app) => {
        const applied = await (await dataSourceOf(app)).runMigrations({ transaction: 'each' });
        context.out(
          applied.length === 0
            ? 'Schema is up to date; no migration to apply.'
            : `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m.name}`).join('\n')}`,
        );
      }),
    );
  db.command('revert')
    .description('Revert the most recent migration (asks first when that drops a table holding data)')
    .option('--yes', 'revert even when it drops tables holding data')
    .action((options: { yes?: boolean }) =>
      withApp(context, 'schema', async (app) => {
        const reverted = await (
          await services()
        ).revertLastMigration(await dataSourceOf(app), (losses) =>
          confirmRemoval(
            context,
            options.yes,
            `Reverting drops ${losses.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}; ` +
              'their data is lost. Revert?',
          ),
        );
        if (reverted.status === 'none') context.out('No migration has been applied; nothing to revert.');
        else if (reverted.status === 'declined') context.out(`Kept ${reverted.name}; nothing was reverted.`);
        else context.out(`Reverted ${reverted.name}.`);
      }),
    );
}
