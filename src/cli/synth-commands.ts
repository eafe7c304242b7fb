import type { Command } from 'commander';
import { runSynthCommand, type SynthCommandOptions, SynthUsageError } from '../synth/synth-command.js';
import type { CliContext } from './cli-context.js';
import { withUsageErrors } from './options.js';

/** `synth`: a MovieLens-shaped folder of generated data; no app, no database. */
export function registerSynthCommand(program: Command, context: CliContext): void {
  program
    .command('synth')
    .description('Write a MovieLens-shaped folder of generated data (movies.csv, ratings.csv; no database)')
    .option('--out <dir>', 'folder to write into: new or empty (required)')
    .option('--ratings <n>', 'number of rating rows (default: MovieLens 25M, 25000095)')
    .option('--users <n>', 'number of users, at most ratings / 20 (default 162541)')
    .option('--movies <n>', 'number of movies (default 62423)')
    .option('--seed <n>', 'seed: the same arguments give the same files (default 1)')
    .option('--bad-share <f>', 'share of rating rows written malformed, 0 to 1 (default 0)')
    .action(async (options: SynthCommandOptions) => {
      // No withApp: generating files needs neither the app's modules nor the database.
      const log = (line: string) => process.stderr.write(`${line}\n`);
      await withUsageErrors([SynthUsageError], () => runSynthCommand(options, { out: context.out, log }));
    });
}
