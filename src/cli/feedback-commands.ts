import type { Command } from 'commander';
import { parseRevertTime, SINCE_RULE } from '../feedback/dto/revert.dto.js';
import { type CliContext, confirmRemoval, withApp } from './cli-context.js';
import { matching, parsedBy } from './options.js';

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * `feedback revert --client ID --since TIME`: removes what a compromised client sent (see
 * FeedbackRevert), after saying what that is and asking, as `db revert` does: `--yes`, or a yes on
 * a terminal; with neither, a usage error and nothing removed.
 */
export function registerFeedbackCommands(program: Command, context: CliContext): void {
  const feedback = program.command('feedback').description('Ratings sent by API clients');
  feedback
    .command('revert')
    .description(
      "Remove a client's ratings sent at or after a time, putting back what they replaced; the next pipeline run trains without them",
    )
    .requiredOption(
      '--client <id>',
      'the client id (as in AUTH_CLIENTS; it may have been removed there)',
      matching(CLIENT_ID, '--client must be 1-64 characters among letters, digits and . _ ~ -'),
    )
    .requiredOption(
      '--since <time>',
      'ISO 8601 time with its offset (2026-11-26T09:00:00Z) or a date (midnight UTC)',
      parsedBy(parseRevertTime, SINCE_RULE.replace(/^since/, '--since')),
    )
    .option('--yes', 'remove without asking')
    .option('--json', 'print what was removed as JSON')
    .action((options: { client: string; since: Date; yes?: boolean; json?: boolean }) => {
      const { since } = options;
      const what = `client ${options.client} since ${since.toISOString()}`;
      return withApp(context, 'write', async (app) => {
        const { FeedbackRevert } = await import('../ingestion/feedback-revert.js');
        const service = app.get(FeedbackRevert);
        const preview = await service.preview(options.client, since);
        if (preview.ratings === 0 && preview.replaced === 0) {
          context.out(
            options.json
              ? JSON.stringify({ ...preview, dataVersion: null })
              : `No rating of ${what}; nothing to revert.`,
          );
          return;
        }
        const question =
          `Removing ${preview.ratings} rating(s) of ${what} (${preview.users} user(s), ${preview.movies} movie(s); ` +
          `${preview.adopted} in data batches) and ${preview.replaced} it had replaced since; ` +
          `${preview.restored} older rating(s) come back. Revert?`;
        if (!(await confirmRemoval(context, options.yes, question))) {
          context.out('Nothing was reverted.');
          return;
        }
        const result = await service.revert(options.client, since, { wait: true });
        if (options.json) {
          context.out(JSON.stringify(result));
          return;
        }
        context.out(
          result.dataVersion === null
            ? `No rating of ${what}; nothing to revert.`
            : `Reverted ${what}: removed ${result.ratings} rating(s) of ${result.users} user(s) and ` +
                `${result.movies} movie(s) (${result.adopted} had been adopted into data batches) and ` +
                `${result.replaced} replaced one(s); put back ${result.restored} older rating(s). ` +
                `Data version ${result.dataVersion} (batch ${result.batchId}): the next pipeline run trains without them.`,
        );
      });
    });
}
