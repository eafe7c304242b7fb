/**
 * The command line's program: each group of commands registers itself from its own file, all of
 * them with the same context (cli-context.ts) and the same readers of values (options.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerAuthCommands } from './auth-commands.js';
import type { CliContext } from './cli-context.js';
import { registerDataCommands } from './data-commands.js';
import { registerDbCommands } from './db-commands.js';
import { registerEvaluateCommand } from './evaluate-commands.js';
import { registerFeedbackCommands } from './feedback-commands.js';
import { registerModelsCommands } from './models-commands.js';
import { registerPipelineCommands } from './pipeline-commands.js';
import { registerReplayTrafficCommand } from './replay-traffic.js';
import { registerSynthCommand } from './synth-commands.js';

/** The groups in the order `--help` lists them. */
const GROUPS: readonly ((program: Command, context: CliContext) => void)[] = [
  registerDbCommands,
  registerPipelineCommands,
  registerModelsCommands,
  registerDataCommands,
  registerEvaluateCommand,
  registerSynthCommand,
  registerAuthCommands,
  registerFeedbackCommands,
  registerReplayTrafficCommand,
];

export function buildProgram(context: CliContext): Command {
  const program = new Command('movie-reco')
    .description('Operate the movie-reco service: database, data and pipeline.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of GROUPS) register(program, context);
  return program;
}

export { CliUsageError, type CliContext } from './cli-context.js';
export { CommanderError };
