import type { Command } from 'commander';
import {
  type EvaluateCommandOptions,
  EvaluationUsageError,
  primaryProtocolOf,
  runEvaluateCommand,
  runReplayCommand,
} from '../evaluation/evaluate-command.js';
import type { CliContext } from './cli-context.js';
import { withUsageErrors } from './options.js';
import { timedLines } from './progress-bar.js';

/** `evaluate`: the offline protocols (or the replay) on a MovieLens folder; no database. */
export function registerEvaluateCommand(program: Command, context: CliContext): void {
  program
    .command('evaluate')
    .description('Offline evaluation of the algorithms on a MovieLens folder (no database)')
    .requiredOption('--source <dir>', 'folder with movies.csv and ratings.csv')
    .option('--json <file>', 'also write the results to this file as JSON')
    .option(
      '--algorithms <names>',
      'comma-separated algorithm names, session-aware = the bundle the pipeline trains (default: all)',
    )
    .option(
      '--protocol <name>',
      'session, next-day or both (default: both; model choice by EVALUATION_PROTOCOL, next-day unless set), or replay (with --from)',
    )
    .option('--from <year|date>', 'replay: train before this year or date (UTC), replay the ratings after it')
    .option(
      '--low-weights <list>',
      'replay: how much a low rating counts, e.g. 1,0,-0.5 (default: the served one)',
    )
    .option(
      '--gap-days <days>',
      "next-day: test ratings at least this long after the user's last train rating",
      '1',
    )
    .option('--max-users <n>', 'evaluate a seeded sample of this many users (default: everyone)')
    .action(async (options: EvaluateCommandOptions) => {
      // No withApp: the evaluation reads the folder itself and never touches the database.
      const log = timedLines(process.stderr, process.stderr.isTTY === true);
      const io = { out: context.out, log };
      await withUsageErrors([EvaluationUsageError], async () => {
        if (options.protocol === 'replay') return runReplayCommand(options, io);
        // Model choice rests on the protocol the pipeline's gate decides on.
        return runEvaluateCommand({ ...options, primary: primaryProtocolOf(process.env) }, io);
      });
    });
}
