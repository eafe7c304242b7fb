import type { INestApplicationContext } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import type { DataSource } from 'typeorm';
import {
  EvaluationUsageError,
  runEvaluateCommand,
  runReplayCommand,
} from '../evaluation/evaluate-command.js';
import { formatReplayMeasure } from '../evaluation/replay-measure.js';
import { registerAuthCommands } from './auth-commands.js';
import { registerFeedbackCommands } from './feedback-commands.js';
import { registerReplayTrafficCommand } from './replay-traffic.js';
import { timedLines } from './progress-bar.js';
import type { ProgressReporter } from '../common/progress.js';
import type { OnlineQuality } from '../impressions/impressions.service.js';
import type { PipelineRunView } from '../pipeline/pipeline-runs.repository.js';
import type { RunOptions } from '../pipeline/pipeline.types.js';
import type { ModelVersionView } from '../registry/registry.service.js';
import { runSynthCommand, SynthUsageError } from '../synth/synth-command.js';

/** The services commands look up in the open app (see app-services.ts). */
const services = () => import('./app-services.js');

export interface CliContext {
  /** Boots the app's modules; `runMigrations: false` for the commands that manage migrations. */
  open(options: { runMigrations: boolean }): Promise<INestApplicationContext>;
  /** A terminal bar when a person watches, else undefined (the service logs progress lines). */
  progress(): ProgressReporter | undefined;
  out(text: string): void;
  /** Asks a yes/no question on a terminal; undefined when no one can answer (not a terminal). */
  confirm?(question: string): Promise<boolean | undefined>;
}

/**
 * Runs `work` with the app's modules open and always closes them (stopping an embedded server).
 * Commands that write apply pending migrations first, as the server does; read-only ones do not,
 * and say so when the schema is missing.
 */
async function withApp<T>(
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

async function dataSourceOf(app: INestApplicationContext): Promise<DataSource> {
  return app.get<DataSource>((await services()).getDataSourceToken());
}

export class CliUsageError extends Error {}

/** A run that did not succeed makes the command fail, with the run's error as the message. */
class RunFailedError extends Error {}

function positiveId(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 2_147_483_647) {
    throw new CliUsageError('the id must be a positive integer');
  }
  return Number(text);
}

function formatVersionLine(version: ModelVersionView): string {
  const ndcg = version.metrics['ndcg@10'];
  return `#${version.id}  ${version.createdAt}  ${version.algorithm.padEnd(10)} ${version.stage.padEnd(10)} data v${version.dataVersion}  NDCG@10 ${ndcg === undefined ? '-' : ndcg.toFixed(4)}`;
}

const share = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/** The online quality block of `models show`: users' lists and hits, then each endpoint and path. */
function formatOnline(online: OnlineQuality): string[] {
  const lines = [
    `  online   ${online.lists} user lists, ${online.hits} hit, hit rate ${share(online.hitRate)} ` +
      `(a rating >= 4 of a shown movie within ${online.hitWindowHours} h; impressions of the last ` +
      `${online.retentionDays} days)`,
  ];
  for (const row of online.byPath) {
    const hits = row.hits === null ? 'no user: not hit' : `${row.hits} hit, ${share(row.hitRate)}`;
    lines.push(
      `           ${`${row.endpoint} ${row.path}`.padEnd(18)} ${String(row.lists).padStart(8)} lists  ${hits}`,
    );
  }
  return lines;
}

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

export function buildProgram(context: CliContext): Command {
  const program = new Command('movie-reco')
    .description('Operate the movie-reco service: database, data and pipeline.')
    .showHelpAfterError()
    .exitOverride();

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
        ).revertLastMigration(await dataSourceOf(app), async (losses) => {
          if (options.yes) return true;
          const question =
            `Reverting drops ${losses.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}; ` +
            'their data is lost. Revert?';
          const answer = await context.confirm?.(question);
          if (answer === undefined) {
            throw new CliUsageError(
              `${question.replace(/ Revert\?$/, '')} Run again with --yes to revert (no terminal to ask on).`,
            );
          }
          return answer;
        });
        if (reverted.status === 'none') context.out('No migration has been applied; nothing to revert.');
        else if (reverted.status === 'declined') context.out(`Kept ${reverted.name}; nothing was reverted.`);
        else context.out(`Reverted ${reverted.name}.`);
      }),
    );

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
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print as JSON')
    .action((options: { limit: string; json?: boolean }) => {
      // Arguments are checked before the database is opened (or an embedded one created).
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new CliUsageError('--limit must be an integer from 1 to 100');
      }
      return withApp(context, 'read', async (app) => {
        const page = await app.get((await services()).PipelineRunsRepository).list(1, limit);
        if (options.json) context.out(JSON.stringify(page));
        else
          context.out(
            page.items.length === 0 ? 'No pipeline run yet.' : page.items.map(formatRunLine).join('\n'),
          );
      });
    });
  pipeline
    .command('show')
    .description('One run with its stages')
    .argument('<id>', 'run id')
    .option('--json', 'print as JSON')
    .action((id: string, options: { json?: boolean }) => {
      const runId = positiveId(id);
      return withApp(context, 'read', async (app) => {
        const run = await app.get((await services()).PipelineRunsRepository).get(runId);
        context.out(options.json ? JSON.stringify(run) : formatRun(run));
      });
    });

  const models = program.command('models').description('Model registry');
  models
    .command('list')
    .description('Model versions, newest first')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) =>
      withApp(context, 'read', async (app) => {
        const page = await app.get((await services()).RegistryService).list(1, 100);
        if (options.json) context.out(JSON.stringify(page));
        else if (page.items.length === 0) context.out('No model version yet.');
        else context.out(page.items.map(formatVersionLine).join('\n'));
      }),
    );
  models
    .command('show')
    .description('One version with its metrics, online quality, replay figures and stage history')
    .argument('<id>', 'model version id')
    .option('--json', 'print as JSON')
    .action((id: string, options: { json?: boolean }) => {
      const versionId = positiveId(id);
      return withApp(context, 'read', async (app) => {
        const { RegistryService, ImpressionsService, ReplayMeasuresService } = await services();
        const version = await app.get(RegistryService).get(versionId);
        const online = await app.get(ImpressionsService).onlineQuality(versionId);
        const replay = await app.get(ReplayMeasuresService).ofModelVersion(versionId);
        if (options.json) {
          context.out(JSON.stringify({ ...version, online, replay }));
          return;
        }
        const lines = [formatVersionLine(version), `  params   ${JSON.stringify(version.params)}`];
        const byProtocol = ['session', 'next-day'].flatMap((protocol) => {
          const ndcg = version.metrics[`${protocol}:ndcg@10`];
          if (ndcg === undefined) return [];
          const users = version.metrics[`${protocol}:users`];
          const sampled = version.metrics['sampled_users'];
          const population = version.metrics['population_users'];
          const se = version.metrics[`${protocol}:ndcg@10_se`];
          const sample =
            sampled === undefined ? '' : `, from a seeded sample of ${sampled} of ${population ?? '?'} users`;
          return [
            `${protocol} ${ndcg.toFixed(4)}${se === undefined ? '' : ` ± ${se.toFixed(4)}`} ` +
              `(${users ?? '?'} users${sample})`,
          ];
        });
        if (byProtocol.length > 0) lines.push(`  NDCG@10  ${byProtocol.join(', ')}`);
        lines.push(`  metrics  ${JSON.stringify(version.metrics)}`);
        lines.push(...formatOnline(online));
        // Each batch that arrived while it served, scored before it was trained on.
        for (const measure of replay) lines.push(`  replay   ${formatReplayMeasure(measure)}`);
        for (const change of version.history) lines.push(`  ${change.at}  → ${change.to}: ${change.reason}`);
        context.out(lines.join('\n'));
      });
    });
  models
    .command('promote')
    .description('Make a version production (an earlier one: roll back)')
    .argument('<id>', 'model version id')
    .option('--reason <text>', 'why, recorded in its history')
    .action((id: string, options: { reason?: string }) => {
      const versionId = positiveId(id);
      return withApp(context, 'write', async (app) => {
        const reason = `promoted from the command line${options.reason ? `: ${options.reason}` : ''}`;
        await app.get((await services()).RegistryService).promote(versionId, reason);
        context.out(`Version ${versionId} is in production.`);
      });
    });

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
      'session, next-day or both (default: both; model choice by next-day), or replay (with --from)',
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
    .action(
      async (options: {
        source: string;
        json?: string;
        algorithms?: string;
        protocol?: string;
        gapDays?: string;
        maxUsers?: string;
        from?: string;
        lowWeights?: string;
      }) => {
        // No withApp: the evaluation reads the folder itself and never touches the database.
        const log = timedLines(process.stderr, process.stderr.isTTY === true);
        const run = options.protocol === 'replay' ? runReplayCommand : runEvaluateCommand;
        await run(options, { out: context.out, log }).catch((error: unknown) => {
          throw error instanceof EvaluationUsageError ? new CliUsageError(error.message) : error;
        });
      },
    );

  program
    .command('synth')
    .description('Write a MovieLens-shaped folder of generated data (movies.csv, ratings.csv; no database)')
    .option('--out <dir>', 'folder to write into: new or empty (required)')
    .option('--ratings <n>', 'number of rating rows (default: MovieLens 25M, 25000095)')
    .option('--users <n>', 'number of users, at most ratings / 20 (default 162541)')
    .option('--movies <n>', 'number of movies (default 62423)')
    .option('--seed <n>', 'seed: the same arguments give the same files (default 1)')
    .option('--bad-share <f>', 'share of rating rows written malformed, 0 to 1 (default 0)')
    .action(
      async (options: {
        out?: string;
        ratings?: string;
        users?: string;
        movies?: string;
        seed?: string;
        badShare?: string;
      }) => {
        // No withApp: generating files needs neither the app's modules nor the database.
        const log = (line: string) => process.stderr.write(`${line}\n`);
        await runSynthCommand(options, { out: context.out, log }).catch((error: unknown) => {
          throw error instanceof SynthUsageError ? new CliUsageError(error.message) : error;
        });
      },
    );

  registerAuthCommands(program, { out: context.out, usageError: (message) => new CliUsageError(message) });
  registerFeedbackCommands(program, {
    withApp: (work) => withApp(context, 'write', work),
    out: context.out,
    confirm: context.confirm?.bind(context),
    usageError: (message) => new CliUsageError(message),
  });
  registerReplayTrafficCommand(program, {
    out: context.out,
    usageError: (message) => new CliUsageError(message),
    progress: context.progress,
  });
  return program;
}

export { CommanderError };
