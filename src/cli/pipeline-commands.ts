import type { Command } from 'commander';
import type { PipelineRunView } from '../pipeline/pipeline-runs.repository.js';
import type { RunOptions } from '../pipeline/pipeline.types.js';
import { type CliContext, CliUsageError, RunFailedError, services, withApp } from './cli-context.js';
import { integerIn, positiveId } from './options.js';

function formatRunLine(run: PipelineRunView): string {
  const version = run.dataVersion === null ? '' : ` data v${run.dataVersion}`;
  const outcome = run.status === 'failed' ? run.error : run.summary;
  return `#${run.id}  ${run.startedAt}  ${run.trigger.padEnd(8)} ${run.status.padEnd(9)}${version}  ${outcome ?? ''}`;
}

function formatRun(run: PipelineRunView): string {
  const lines = [formatRunLine(run)];
  for (const stage of run.stages) {
    const rows = stage.rows === undefined ? '' : ` ${stage.rows} rows`;
    const seconds = stage.seconds === undefined ? '' : ` ${stage.seconds.toFixed(2)} s`;
    lines.push(
      `  ${stage.name.padEnd(10)} ${stage.status.padEnd(9)}${seconds}${rows}${stage.error ? `  ${stage.error}` : ''}`,
    );
    // A measuring stage's one-line figure (replay), or why a stage under way skipped itself.
    const note =
      stage.detail?.['summary'] ?? (stage.status === 'skipped' ? stage.detail?.['reason'] : undefined);
    if (typeof note === 'string') lines.push(`             ${note}`);
  }
  if (run.drift)
    lines.push(`  drift: ${JSON.stringify((run.drift as { measures?: unknown }).measures ?? run.drift)}`);
  return lines.join('\n');
}

async function runPipeline(context: CliContext, options: RunOptions, json?: boolean): Promise<void> {
  await withApp(context, 'write', async (app) => {
    const result = await app
      .get((await services()).PipelineRunner)
      .run({ ...options, progress: context.progress() });
    if (!result) throw new RunFailedError('the run did not start');
    const run = await app.get((await services()).PipelineRunsRepository).get(result.runId);
    context.out(json ? JSON.stringify(run) : formatRun(run));
    if (result.status === 'failed') throw new RunFailedError(result.error ?? `run ${result.runId} failed`);
  });
}

/** `ingest` (a run through transform) and `pipeline run|list|show`. */
export function registerPipelineCommands(program: Command, context: CliContext): void {
  program
    .command('ingest')
    .description('Load data: the next replay period, or the whole dataset')
    .option(
      '--next',
      'apply the next replay period (the first time: everything up to three years before the last rating, or to REPLAY_START_YEAR)',
    )
    .option('--all', 'load the whole dataset as one batch')
    .option('--json', 'print the run as JSON')
    .action((options: { next?: boolean; all?: boolean; json?: boolean }) => {
      if (options.next && options.all)
        throw new CliUsageError('--next and --all exclude each other: give one');
      if (!options.next && !options.all) throw new CliUsageError('say what to ingest: --next or --all');
      const source = options.all ? ({ kind: 'full' } as const) : ({ kind: 'replay' } as const);
      return runPipeline(context, { trigger: 'cli', source, until: 'transform' }, options.json);
    });

  const pipeline = program.command('pipeline').description('Pipeline runs');
  pipeline
    .command('run')
    .description('Run every stage now: the next replay period through to the last stage')
    .option('--retrain', 'train even when no new data arrived and the newest data already has a model')
    .option('--json', 'print the run as JSON')
    .action((options: { retrain?: boolean; json?: boolean }) =>
      runPipeline(context, { trigger: 'cli', retrain: options.retrain }, options.json),
    );
  pipeline
    .command('list')
    .description('The most recent runs')
    .option('--limit <n>', 'how many', integerIn(1, 100, '--limit must be an integer from 1 to 100'), 20)
    .option('--json', 'print as JSON')
    .action((options: { limit: number; json?: boolean }) =>
      withApp(context, 'read', async (app) => {
        const page = await app.get((await services()).PipelineRunsRepository).list(1, options.limit);
        if (options.json) context.out(JSON.stringify(page));
        else
          context.out(
            page.items.length === 0 ? 'No pipeline run yet.' : page.items.map(formatRunLine).join('\n'),
          );
      }),
    );
  pipeline
    .command('show')
    .description('One run with its stages')
    .argument('<id>', 'run id', positiveId)
    .option('--json', 'print as JSON')
    .action((runId: number, options: { json?: boolean }) =>
      withApp(context, 'read', async (app) => {
        const run = await app.get((await services()).PipelineRunsRepository).get(runId);
        context.out(options.json ? JSON.stringify(run) : formatRun(run));
      }),
    );
}
