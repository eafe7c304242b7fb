import type { Command } from 'commander';
import { figureOf, metricKey, ndcgOf, type Protocol, PROTOCOLS } from '../core/index.js';
import { formatReplayMeasure } from '../evaluation/replay-measure.js';
import type { OnlineQuality } from '../impressions/impressions.service.js';
import type { ModelVersionView } from '../registry/registry.service.js';
import { type CliContext, services, withApp } from './cli-context.js';
import { positiveId } from './options.js';

function formatVersionLine(version: ModelVersionView): string {
  const ndcg = ndcgOf(version.metrics, 'primary');
  return `#${version.id}  ${version.createdAt}  ${version.algorithm.padEnd(10)} ${version.stage.padEnd(10)} data v${version.dataVersion}  NDCG@10 ${ndcg === undefined ? '-' : ndcg.toFixed(4)}`;
}

/** One protocol's NDCG@10 of `models show`, with its standard error and users; none when not measured. */
function formatProtocolNdcg(metrics: ModelVersionView['metrics'], protocol: Protocol): string[] {
  const ndcg = ndcgOf(metrics, protocol);
  if (ndcg === undefined) return [];
  const users = figureOf(metrics, metricKey(protocol, 'users'));
  const sampled = figureOf(metrics, 'sampled_users');
  const population = figureOf(metrics, 'population_users');
  const se = figureOf(metrics, metricKey(protocol, 'ndcg_se'));
  const sample =
    sampled === undefined ? '' : `, from a seeded sample of ${sampled} of ${population ?? '?'} users`;
  return [
    `${protocol} ${ndcg.toFixed(4)}${se === undefined ? '' : ` ± ${se.toFixed(4)}`} ` +
      `(${users ?? '?'} users${sample})`,
  ];
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

/** `models list|show|promote`: the registry's versions; promoting an earlier one rolls back. */
export function registerModelsCommands(program: Command, context: CliContext): void {
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
    .argument('<id>', 'model version id', positiveId)
    .option('--json', 'print as JSON')
    .action((versionId: number, options: { json?: boolean }) =>
      withApp(context, 'read', async (app) => {
        const { RegistryService, ImpressionsService, ReplayMeasuresService } = await services();
        const version = await app.get(RegistryService).get(versionId);
        const online = await app.get(ImpressionsService).onlineQuality(versionId);
        const replay = await app.get(ReplayMeasuresService).ofModelVersion(versionId);
        if (options.json) {
          context.out(JSON.stringify({ ...version, online, replay }));
          return;
        }
        const lines = [formatVersionLine(version), `  params   ${JSON.stringify(version.params)}`];
        const byProtocol = PROTOCOLS.flatMap((protocol) => formatProtocolNdcg(version.metrics, protocol));
        if (byProtocol.length > 0) lines.push(`  NDCG@10  ${byProtocol.join(', ')}`);
        lines.push(`  metrics  ${JSON.stringify(version.metrics)}`);
        lines.push(...formatOnline(online));
        // Each batch that arrived while it served, scored before it was trained on.
        for (const measure of replay) lines.push(`  replay   ${formatReplayMeasure(measure)}`);
        for (const change of version.history) lines.push(`  ${change.at}  → ${change.to}: ${change.reason}`);
        context.out(lines.join('\n'));
      }),
    );
  models
    .command('promote')
    .description('Make a version production (an earlier one: roll back)')
    .argument('<id>', 'model version id', positiveId)
    .option('--reason <text>', 'why, recorded in its history')
    .action((versionId: number, options: { reason?: string }) =>
      withApp(context, 'write', async (app) => {
        const reason = `promoted from the command line${options.reason ? `: ${options.reason}` : ''}`;
        await app.get((await services()).RegistryService).promote(versionId, reason);
        context.out(`Version ${versionId} is in production.`);
      }),
    );
}
