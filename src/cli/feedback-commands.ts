import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { parseRevertTime, SINCE_RULE } from '../feedback/dto/revert.dto.js';

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * `feedback revert --client ID --since TIME`: removes what a compromised client sent (see
 * FeedbackRevert), after saying what that is and asking, as `db revert` does: `--yes`, or a yes on
 * a terminal; with neither, a usage error and nothing removed.
 */
export function registerFeedbackCommands(
  program: Command,
  io: {
    /** Runs `work` with the app open (migrations applied). */
    withApp(work: (app: INestApplicationContext) => Promise<void>): Promise<void>;
    out(text: string): void;
    confirm?(question: string): Promise<boolean | undefined>;
    usageError(message: string): Error;
  },
): void {
  const feedback = program.command('feedback').description('Ratings sent by API clients');
  feedback
    .command('revert')
    .description(
      "Remove a client's ratings sent at or after a time, putting back what they replaced; the next pipeline run trains without them",
    )
    .requiredOption('--client <id>', 'the client id (as in AUTH_CLIENTS; it may have been removed there)')
    .requiredOption(
      '--since <time>',
      'ISO 8601 time with its offset (2026-11-26T09:00:00Z) or a date (midnight UTC)',
    )
    .option('--yes', 'remove without asking')
    .option('--json', 'print what was removed as JSON')
    .action((options: { client: string; since: string; yes?: boolean; json?: boolean }) => {
      if (!CLIENT_ID.test(options.client)) {
        throw io.usageError('--client must be 1-64 characters among letters, digits and . _ ~ -');
      }
      const since = parseRevertTime(options.since);
      if (!since) throw io.usageError(SINCE_RULE.replace(/^since/, '--since'));
      const what = `client ${options.client} since ${since.toISOString()}`;
      return io.withApp(async (app) => {
        const { FeedbackRevert } = await import('../ingestion/feedback-revert.js');
        const service = app.get(FeedbackRevert);
        const preview = await service.preview(options.client, since);
        if (preview.ratings === 0 && preview.replaced === 0) {
          io.out(
            options.json
              ? JSON.stringify({ ...preview, dataVersion: null })
              : `No rating of ${what}; nothing to revert.`,
          );
          return;
        }
        if (!options.yes) {
          const question =
            `Removing ${preview.ratings} rating(s) of ${what} (${preview.users} user(s), ${preview.movies} movie(s); ` +
            `${preview.adopted} in data batches) and ${preview.replaced} it had replaced since; ` +
            `${preview.restored} older rating(s) come back. Revert?`;
          const answer = await io.confirm?.(question);
          if (answer === undefined) {
            throw io.usageError(
              `${question.replace(/ Revert\?$/, '')} Run again with --yes to revert (no terminal to ask on).`,
            );
          }
          if (!answer) {
            io.out('Nothing was reverted.');
            return;
          }
        }
        const result = await service.revert(options.client, since, { wait: true });
        if (options.json) {
          io.out(JSON.stringify(result));
          return;
        }
        io.out(
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
