/**
 * `evaluate --source DIR [--json FILE] [--algorithms a,b] [--protocol session|next-day|both]
 * [--gap-days N]` (and `--protocol replay --from YEAR`, replay-command.ts): the offline evaluation of every algorithm on a MovieLens folder, without a
 * database. For each protocol and algorithm: tune on the inner split (inside train, by the same
 * protocol), fit on train with the chosen setting, score on test (`session-aware`, the pipeline's
 * bundle, as the pipeline scores it: each protocol its served path); then a table, the model it would
 * choose for known users (by the primary protocol, EVALUATION_PROTOCOL as for the pipeline's gate),
 * and optionally a JSON file.
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  type AlgorithmEntry,
  ALGORITHMS,
  BUNDLE_ALGORITHM,
  columnsOf,
  DAY_SECONDS,
  DEFAULT_K,
  evaluate,
  type EvaluationResult,
  findAlgorithm,
  HOLDOUT,
  holdoutOf,
  type HoldoutOptions,
  type Params,
  pathSpec,
  type Protocol,
  PROTOCOLS,
  ratingsOfSampledUsers,
  RELEVANCE_THRESHOLD,
  splitDataset,
  summaryFigures,
  tune,
} from '../core/index.js';
import { ConfigError } from '../config/environment.js';
import { loadMovieLensFolder, type MovieLensFolder } from './movielens-folder.js';
import { evaluationSettings } from './settings/evaluation.settings.js';
import { formatTextTable } from './text-table.js';
import {
  formatReplayTable,
  parseCut,
  parseLowWeights,
  type ReplayReportEntry,
  ReplayUsageError,
  runReplay,
  selectReplayAlgorithms,
  writeReplayJson,
} from './replay-command.js';

export interface EvaluateCommandOptions {
  source: string;
  json?: string;
  algorithms?: string;
  /** 'session', 'next-day' or 'both' (the default). */
  protocol?: string;
  /** The next-day gap in days (default 1). */
  gapDays?: string;
  /** A seeded sample of this many users is evaluated (their ratings only); default everyone. */
  maxUsers?: string;
  /** The replay protocol's cut: a year or a date (UTC). */
  from?: string;
  /** The replay protocol: how much a low rating counts, comma-separated values to compare. */
  lowWeights?: string;
  /** The protocol model choice rests on (primaryProtocolOf); default EVALUATION_PROTOCOL's default. */
  primary?: Protocol;
}

/**
 * The protocol model choice rests on, the one the pipeline's gate decides on: EVALUATION_PROTOCOL,
 * read by its declared rule (settings/evaluation.settings.ts) and alone, since the offline
 * evaluation needs nothing else of the configuration. A bad value is refused as a start is.
 */
export function primaryProtocolOf(env: Readonly<Record<string, string | undefined>>): Protocol {
  const name = 'EVALUATION_PROTOCOL';
  const reading = evaluationSettings.settings[name].read(env[name], name, (other) => !!env[other]?.trim());
  if ('problem' in reading)
    throw new ConfigError([`${name}=${JSON.stringify(env[name])}: ${reading.problem}`]);
  return reading.value;
}

/** EVALUATION_PROTOCOL's default: what a returning user meets the day after training. */
const DEFAULT_PRIMARY = primaryProtocolOf({});

export interface EvaluateIo {
  /** The table and the choice (stdout). */
  out(text: string): void;
  /** Progress lines (stderr). */
  log(text: string): void;
}

/** Bad arguments (the CLI exits with 2). */
export class EvaluationUsageError extends Error {}

/** Some algorithms failed; the others were reported. */
class EvaluationFailedError extends Error {}

export interface AlgorithmResult extends EvaluationResult {
  kind: AlgorithmEntry['kind'];
  protocol: Protocol;
}

/** `--max-users`: a whole number >= 1, or undefined (everyone). */
function sampleSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new EvaluationUsageError(`--max-users must be a whole number >= 1; got "${text}"`);
  return value;
}

/** The protocols named by `--protocol`, in a fixed order. */
export function selectProtocols(name: string | undefined): Protocol[] {
  if (name === undefined || name === 'both') return [...PROTOCOLS];
  if ((PROTOCOLS as readonly string[]).includes(name)) return [name as Protocol];
  throw new EvaluationUsageError(`--protocol must be one of ${PROTOCOLS.join(', ')}, both; got "${name}"`);
}

/** `--gap-days` in seconds: a positive number of days, fractions allowed. */
export function gapSeconds(days: string | undefined): number {
  if (days === undefined) return DAY_SECONDS;
  const value = Number(days);
  if (days.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new EvaluationUsageError(`--gap-days must be a positive number of days; got "${days}"`);
  }
  return Math.round(value * DAY_SECONDS);
}

/**
 * The bundle the pipeline trains, scored as the pipeline's evaluation scores it: under each protocol
 * the path that serves its users (pathSpec), at its defaults. Nothing is tuned for it here; what it
 * tunes it tunes inside its own fit (the session path's blend weight).
 */
interface BundleEntry {
  name: typeof BUNDLE_ALGORITHM;
  kind: 'personalised';
}

type EvaluatedEntry = AlgorithmEntry | BundleEntry;

const EVALUATED: readonly EvaluatedEntry[] = [
  ...ALGORITHMS,
  { name: BUNDLE_ALGORITHM, kind: 'personalised' },
];

/** The bundle's served model under `protocol`, as an algorithm with nothing to tune. */
function bundlePath(protocol: Protocol): AlgorithmEntry {
  const served = pathSpec(BUNDLE_ALGORITHM, {}, protocol === 'session' ? 'session' : 'returning');
  const model = findAlgorithm(served.algorithm)!;
  return {
    name: BUNDLE_ALGORITHM,
    kind: 'personalised',
    create: () => model.create(served.params),
    grid: {},
  };
}

/** The algorithms named by `--algorithms` (all when absent), in the registry's order, the bundle last. */
export function selectAlgorithms(list: string | undefined): EvaluatedEntry[] {
  if (list === undefined) return [...EVALUATED];
  const names = list.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new EvaluationUsageError('--algorithms must be a comma-separated list of names');
  }
  const unknown = names.filter((name) => !EVALUATED.some((entry) => entry.name === name));
  if (unknown.length > 0) {
    throw new EvaluationUsageError(
      `unknown algorithm(s): ${unknown.join(', ')}; available: ${EVALUATED.map((a) => a.name).join(', ')}`,
    );
  }
  return EVALUATED.filter((entry) => names.includes(entry.name));
}

/**
 * The personalised model with the best NDCG@k (baselines are never chosen) under `protocol` — the
 * primary one when it was evaluated, else the one that was — or null.
 */
export function chooseModel(
  results: readonly AlgorithmResult[],
  protocol: Protocol = choosingProtocol(results, DEFAULT_PRIMARY),
): string | null {
  const personalised = results.filter(
    (result) => result.kind === 'personalised' && result.protocol === protocol,
  );
  if (personalised.length === 0) return null;
  return personalised.reduce((best, result) => (result.ndcg > best.ndcg ? result : best)).algorithm;
}

const PROTOCOL_DESCRIPTION = {
  split: 'per-user temporal holdout',
  min_ratings: HOLDOUT.minRatings,
  test_fraction: HOLDOUT.testFraction,
  order: 'timestamp, ties by movieId; rounded up, at least 1',
  relevance: `held-out rating >= ${RELEVANCE_THRESHOLD.toFixed(1)}`,
  candidates: "movies in train minus the user's train movies",
  k: DEFAULT_K,
  tuning: 'same holdout (same protocol) inside train, by ndcg@10',
  protocols: {
    session: "test = the whole held-out block (it usually continues the train half's rating session)",
    'next-day':
      "test = held-out ratings at least gap_seconds after the user's last train rating; those before are dropped",
  },
};

export function formatParams(params: Params): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '-' : entries.map(([name, value]) => `${name}=${value}`).join(',');
}

export function formatTable(results: readonly AlgorithmResult[]): string {
  const header = [
    'protocol',
    'algorithm',
    'params',
    'P@10',
    'R@10',
    'NDCG@10 ± se',
    'HR@10',
    'MAP@10',
    'coverage',
    'users',
    'fit s',
  ];
  const rows = results.map((r) => [
    r.protocol,
    r.algorithm,
    formatParams(r.params),
    r.precision.toFixed(4),
    r.recall.toFixed(4),
    `${r.ndcg.toFixed(4)} ± ${r.ndcgStandardError.toFixed(4)}`,
    r.hitRate.toFixed(4),
    r.map.toFixed(4),
    r.coverage.toFixed(4),
    String(r.users),
    r.fitSeconds.toFixed(2),
  ]);
  return formatTextTable(header, rows, 3);
}

export function jsonReport(
  folder: MovieLensFolder,
  splits: Partial<Record<Protocol, { train: readonly unknown[]; test: readonly unknown[] }>>,
  results: readonly AlgorithmResult[],
  gap: number,
  primary: Protocol = DEFAULT_PRIMARY,
) {
  const split = splits.session ?? splits['next-day'] ?? { train: [], test: [] };
  return {
    dataset: {
      name: folder.name,
      path: folder.path,
      movies: folder.movies.length,
      ratings: folder.ratings.length,
      users: new Set(folder.ratings.map((rating) => rating.userId)).size,
      train_ratings: split.train.length,
      test_ratings: Object.fromEntries(Object.entries(splits).map(([name, s]) => [name, s.test.length])),
      skipped_rows: folder.skipped,
    },
    protocol: { ...PROTOCOL_DESCRIPTION, primary, gap_seconds: gap },
    results: results.map((r) => ({
      protocol: r.protocol,
      algorithm: r.algorithm,
      params: r.params,
      ...Object.fromEntries(summaryFigures(r)),
      fit_seconds: r.fitSeconds,
    })),
    chosen: chooseModel(results, choosingProtocol(results, primary)),
    chosen_by_protocol: Object.fromEntries(
      [...new Set(results.map((r) => r.protocol))].map((protocol) => [
        protocol,
        chooseModel(results, protocol),
      ]),
    ),
  };
}

export async function runEvaluateCommand(
  options: EvaluateCommandOptions,
  io: EvaluateIo,
): Promise<ReturnType<typeof jsonReport>> {
  if (options.from !== undefined || options.lowWeights !== undefined)
    throw new EvaluationUsageError('--from and --low-weights go with --protocol replay');
  const algorithms = selectAlgorithms(options.algorithms);
  const protocols = selectProtocols(options.protocol);
  const gap = gapSeconds(options.gapDays);
  const jsonFile = await jsonTarget(options.json);

  const maxUsers = sampleSize(options.maxUsers);
  const loaded = await loadMovieLensFolder(options.source);
  io.log(
    `loaded ${loaded.path}: ${loaded.ratings.length} ratings, ${loaded.movies.length} movies ` +
      `(skipped ${loaded.skipped.ratings} rating and ${loaded.skipped.movies} movie rows)`,
  );
  // Only with --max-users: otherwise the ratings are used as loaded, not copied through columns.
  const drawn =
    maxUsers === undefined ? undefined : ratingsOfSampledUsers(columnsOf(loaded.ratings), { maxUsers });
  const sample = drawn !== undefined && drawn.users < drawn.of ? drawn : undefined;
  const folder = sample ? { ...loaded, ratings: sample.ratings } : loaded;
  if (sample)
    io.log(`a seeded sample of ${sample.users} of ${sample.of} users: ${folder.ratings.length} ratings`);
  const splits: Partial<Record<Protocol, ReturnType<typeof splitDataset>>> = {};
  const results: AlgorithmResult[] = [];
  const failures: string[] = [];
  for (const protocol of protocols) {
    const holdout = holdoutOf(protocol, gap);
    const split = splitDataset(folder, holdout);
    splits[protocol] = split;
    io.log(`${protocol}: ${split.train.length} train, ${split.test.length} test ratings`);
    for (const entry of algorithms) {
      try {
        results.push(evaluateAlgorithm(entry, protocol, holdout, split, io));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.log(`${protocol} ${entry.name}: failed: ${message}`);
        failures.push(`${protocol} ${entry.name}: ${message}`);
      }
    }
  }

  const primary = options.primary ?? DEFAULT_PRIMARY;
  const report = jsonReport(folder, splits, results, gap, primary);
  if (sample) Object.assign(report.dataset, { sampled_from_users: sample.of });
  io.out(formatTable(results));
  io.out(
    report.chosen === null
      ? 'No personalised model was evaluated; none would be chosen for known users.'
      : `For known users it would choose ${report.chosen} (best ${choosingProtocol(results, primary)} NDCG@10 among the personalised models).`,
  );
  if (jsonFile !== undefined) {
    await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    io.log(`wrote ${jsonFile}`);
  }
  if (failures.length > 0) throw new EvaluationFailedError(`evaluation failed for ${failures.join('; ')}`);
  return report;
}

/** `--protocol replay`: fit before the cut, replay the rest (replay-command.ts). */
export async function runReplayCommand(
  options: EvaluateCommandOptions,
  io: EvaluateIo,
): Promise<ReplayReportEntry[]> {
  const usage = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw error instanceof ReplayUsageError ? new EvaluationUsageError(error.message) : error;
    }
  };
  if (options.from === undefined)
    throw new EvaluationUsageError('--protocol replay needs --from <year or date>');
  const cut = usage(() => parseCut(options.from));
  const algorithms = usage(() => selectReplayAlgorithms(options.algorithms));
  const lowWeights = usage(() => parseLowWeights(options.lowWeights));
  const maxUsers = sampleSize(options.maxUsers);
  const jsonFile = await jsonTarget(options.json);
  const folder = await loadMovieLensFolder(options.source);
  io.log(`loaded ${folder.path}: ${folder.ratings.length} ratings, ${folder.movies.length} movies`);
  const run = usage(() =>
    runReplay(folder, { cut, algorithms, lowWeights, log: io.log, ...(maxUsers ? { maxUsers } : {}) }),
  );
  io.out(formatReplayTable(run.entries));
  if (jsonFile !== undefined) {
    const dataset = {
      name: folder.name,
      path: folder.path,
      train_ratings: run.trainRatings,
      replayed: run.events,
      unscored_events: run.unscored,
    };
    await writeReplayJson(jsonFile, dataset, cut, run.entries);
    io.log(`wrote ${jsonFile}`);
  }
  return run.entries;
}

/** `--json`'s file, resolved, once its folder is known to exist. */
async function jsonTarget(json: string | undefined): Promise<string | undefined> {
  if (json === undefined) return undefined;
  const file = resolve(json);
  const folder = await stat(dirname(file)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new Error(`--json: the folder ${dirname(file)} does not exist`);
  return file;
}

/** The protocol the choice rests on: the primary one when it was evaluated, else the one that was. */
function choosingProtocol(results: readonly AlgorithmResult[], primary: Protocol): Protocol {
  return results.some((r) => r.protocol === primary) ? primary : (results[0]?.protocol ?? primary);
}

function evaluateAlgorithm(
  evaluated: EvaluatedEntry,
  protocol: Protocol,
  holdout: HoldoutOptions,
  split: ReturnType<typeof splitDataset>,
  io: EvaluateIo,
): AlgorithmResult {
  const entry = 'create' in evaluated ? evaluated : bundlePath(protocol);
  const name = `${protocol} ${entry.name}`;
  io.log(`${name}: tuning, fitting and scoring…`);
  const tuned = tune(
    entry.create,
    entry.grid,
    { ratings: split.train, movies: split.movies },
    DEFAULT_K,
    (trial) => io.log(`${name}: inner NDCG@10 ${trial.ndcg.toFixed(4)} with ${formatParams(trial.params)}`),
    holdout,
  );
  if (tuned.trials.length > 0) io.log(`${name}: tuned on the inner split: ${formatParams(tuned.params)}`);
  const result = evaluate(entry.create(tuned.params), split, DEFAULT_K);
  io.log(
    `${name}: NDCG@10 ${result.ndcg.toFixed(4)} ± ${result.ndcgStandardError.toFixed(4)} ` +
      `over ${result.users} users (fit ${result.fitSeconds.toFixed(2)} s)`,
  );
  return { ...result, algorithm: entry.name, kind: entry.kind, protocol };
}
