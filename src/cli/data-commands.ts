import type { Command } from 'commander';
import { type CliContext, services, withApp } from './cli-context.js';

/** `data status|prune`: what is loaded, and the quarantine's retention. */
export function registerDataCommands(program: Command, context: CliContext): void {
  const data = program.command('data').description('Loaded data');
  data
    .command('status')
    .description('Data version and row counts')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) =>
      withApp(context, 'read', async (app) => {
        const status = await app.get((await services()).DataStatusService).status();
        if (options.json) {
          context.out(JSON.stringify(status));
          return;
        }
        context.out(
          [
            `data version      ${status.dataVersion}`,
            `batches           ${status.batches} applied, ${status.rejectedBatches} rejected`,
            `movies            ${status.movies}`,
            `ratings           ${status.ratings} (${status.pendingFeedback} feedback waiting for the next run)`,
            `quarantined rows  ${status.quarantinedRows}`,
            `last loaded at    ${status.lastLoadedAt ?? 'never'}`,
          ].join('\n'),
        );
      }),
    );
  data
    .command('prune')
    .description(
      'Remove quarantined rows of batches older than QUARANTINE_RETENTION_DAYS (also done daily by the server)',
    )
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) =>
      withApp(context, 'write', async (app) => {
        const pruned = await app.get((await services()).QuarantineRetention).prune();
        if (options.json) {
          context.out(JSON.stringify(pruned));
          return;
        }
        const when = `batches recorded before ${pruned.before.toISOString()} (QUARANTINE_RETENTION_DAYS=${pruned.retentionDays})`;
        context.out(
          [
            pruned.rows === 0
              ? `No quarantined row to remove of ${when}.`
              : `Removed ${pruned.rows} quarantined row(s) of ${pruned.batches.length} batch(es) of ${when}:`,
            ...pruned.batches.map((batch) => `  batch ${batch.batchId}: ${batch.rows} row(s)`),
          ].join('\n'),
        );
      }),
    );
}
