/**
 * `evaluate --protocol replay --from <year | YYYY-MM-DD>`: the replay protocol (protocol/replay.ts)
 * on a MovieLens folder, without a database. Fits each model on the ratings before the cut, then
 * replays the rest; reports hit rate@10 by variant (popularity, nightly, fold-in, served) over
 * events and as a per-user mean with its standard error, split into known and new users.
 */
import { writeFile } from 'node:fs/promises';
import {
  buildInteractions,
  BUNDLE_ALGORITHM,
  EaseRecommender,
  EaseSeqRecommender,
  fitBundle,
  FOLD_IN_WEIGHTING,
  foldInRanker,
  type FoldInRecommender,
  type FoldInWeighting,
  nightlyRanker,
  popularityRanker,
  replay,
  replayEvents,
  type ReplayRanker,
  type ReplayResult,
  sampleUsers,
  servedRanker,
} from '../core/index.js';
import type { MovieLensFolder } from './movielens-folder.js';
import { formatTextTable } from './text-table.js';

/** The session length the service uses by default (SESSION_MINUTES 30). */
const SESSION_SECONDS = 30 * 60;

/** The models a replay can fold ratings into, at the defaults the service's users would meet. */
const REPLAY_MODELS: Record<string, () => FoldInRecommender> = {
  ease: () => new EaseRecommender(),
  'ease-seq': () => new EaseSeqRecommender(),
};

const REPLAY_ALGORITHMS = [...Object.keys(REPLAY_MODELS), BUNDLE_ALGORITHM];
const DEFAULT_REPLAY_ALGORITHMS = ['ease', BUNDLE_ALGORITHM];

export interface ReplayReportEntry extends ReplayResult {
  algorithm: string;
  /** How a low rating counted (fold-in and served). */
  lowWeight?: number;
}

export class ReplayUsageError extends Error {}

/** `--from`: a year (its 1 January) or a date, UTC, as seconds since the epoch. */
export function parseCut(text: string | undefined): number {
  const match = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/.exec(text?.trim() ?? '');
  const date = match
    ? new Date(
        Date.UTC(Number(match[1]), match[2] ? Number(match[2]) - 1 : 0, match[3] ? Number(match[3]) : 1),
      )
    : undefined;
  if (!match || !date || (match[2] && date.getUTCDate() !== Number(match[3])))
    throw new ReplayUsageError(`--from must be a year (2017) or a date (2017-06-01); got "${text ?? ''}"`);
  return date.getTime() / 1000;
}

/** `--low-weights`: how much a low rating counts, one or more comma-separated numbers. */
export function parseLowWeights(text: string | undefined): number[] {
  if (text === undefined) return [FOLD_IN_WEIGHTING.lowWeight];
  const weights = text.split(',').map((part) => Number(part.trim()));
  if (text.trim() === '' || weights.some((weight) => !Number.isFinite(weight) || weight < -1 || weight > 1))
    throw new ReplayUsageError(`--low-weights must be numbers from -1 to 1, comma-separated; got "${text}"`);
  return weights;
}

export function selectReplayAlgorithms(list: string | undefined): string[] {
  if (list === undefined) return DEFAULT_REPLAY_ALGORITHMS;
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !REPLAY_ALGORITHMS.includes(name));
  if (unknown.length > 0 || names.length === 0)
    throw new ReplayUsageError(
      `the replay folds ratings into ${REPLAY_ALGORITHMS.join(', ')} only; got ${unknown.join(', ') || 'none'}`,
    );
  return REPLAY_ALGORITHMS.filter((name) => names.includes(name));
}

export interface ReplayRunOptions {
  cut: number;
  /** Only the ratings before this (seconds since the epoch) are replayed; default all after the cut. */
  until?: number;
  /**
   * 'data' (default): a user's session is judged by the data's timestamps. 'traffic': as a server
   * fed the ratings as fast traffic judges it (replay-traffic), where every rating sent is seconds
   * old: a user is in session once they sent one.
   */
  clock?: 'data' | 'traffic';
  algorithms: string[];
  lowWeights: number[];
  maxUsers?: number;
  log: (line: string) => void;
}

/** Fits the models on the ratings before the cut and replays the rest with every variant. */
export function runReplay(
  folder: Pick<MovieLensFolder, 'movies' | 'ratings'>,
  options: ReplayRunOptions,
): { entries: ReplayReportEntry[]; trainRatings: number; events: number; unscored: number } {
  const trainRatings = folder.ratings.filter((rating) => rating.timestamp < options.cut);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const events = replayEvents(folder.ratings, options.cut).filter((event) => event.timestamp < until);
  if (trainRatings.length === 0 || events.length === 0)
    throw new ReplayUsageError(
      `--from leaves ${trainRatings.length} ratings to train on and ${events.length} to replay: ` +
        'choose a cut inside the data',
    );
  options.log(`replay: ${trainRatings.length} ratings before the cut, ${events.length} from it`);
  const train = buildInteractions(trainRatings, folder.movies);
  const popularity = popularityRanker(train);
  const rankers: Record<string, ReplayRanker> = { popularity };
  const described = new Map<string, Omit<ReplayReportEntry, keyof ReplayResult>>([
    ['popularity', { algorithm: 'popularity' }],
  ]);
  const weightings = options.lowWeights.map((lowWeight): [number, FoldInWeighting] => [
    lowWeight,
    { ...FOLD_IN_WEIGHTING, lowWeight },
  ]);
  for (const algorithm of options.algorithms) {
    options.log(`replay: fitting ${algorithm} on the ratings before the cut…`);
    if (algorithm === BUNDLE_ALGORITHM) {
      const bundle = fitBundle(train, {});
      const served = { sessionSeconds: SESSION_SECONDS, foldIn: true };
      rankers[`nightly ${algorithm}`] = servedRanker(bundle, { ...served, foldIn: false }, FOLD_IN_WEIGHTING);
      described.set(`nightly ${algorithm}`, { algorithm });
      for (const [lowWeight, weighting] of weightings) {
        rankers[`served ${algorithm} ${lowWeight}`] = servedRanker(bundle, served, weighting);
        described.set(`served ${algorithm} ${lowWeight}`, { algorithm, lowWeight });
      }
      continue;
    }
    const model = REPLAY_MODELS[algorithm]!();
    model.fit(train);
    rankers[`nightly ${algorithm}`] = nightlyRanker(model, popularity);
    described.set(`nightly ${algorithm}`, { algorithm });
    for (const [lowWeight, weighting] of weightings) {
      rankers[`fold-in ${algorithm} ${lowWeight}`] = foldInRanker(model, weighting, popularity);
      described.set(`fold-in ${algorithm} ${lowWeight}`, { algorithm, lowWeight });
    }
  }
  const clocked = options.clock === 'traffic' ? mapValues(rankers, trafficClock) : rankers;
  const ranked = options.maxUsers === undefined ? undefined : rankedUsers(events, options.maxUsers);
  const { results, unscored } = replay(train, events, clocked, {
    ...(ranked ? { ranks: (userId: number) => ranked.has(userId) } : {}),
    onProgress: (count) => options.log(`replay: ${count} events ranked`),
  });
  options.log(`replay: ${unscored} events of movies the training data does not hold were not scored`);
  const entries = results.map((result) => ({
    ...result,
    ...described.get(result.variant)!,
    variant: result.variant.split(' ')[0]!,
  }));
  return { entries, trainRatings: trainRatings.length, events: events.length, unscored };
}

/** The moment as a server fed the replay as traffic sees it: the newest rating sent is now. */
function trafficClock(ranker: ReplayRanker): ReplayRanker {
  return (moment, k) => ranker({ ...moment, now: moment.lastRatedAt ?? Number.POSITIVE_INFINITY }, k);
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** A seeded sample of at most `maxUsers` of the users who rate in the replay. */
function rankedUsers(events: readonly { userId: number }[], maxUsers: number): Set<number> {
  return new Set(sampleUsers([...new Set(events.map((event) => event.userId))], { maxUsers }));
}

export function formatReplayTable(entries: readonly ReplayReportEntry[]): string {
  const header = [
    'variant',
    'algorithm',
    'low',
    'events',
    'users',
    'HR@10',
    'user mean ± se',
    'known',
    'new',
  ];
  const part = (p: ReplayResult['known']) => `${p.userMean.toFixed(4)} (${p.users} users, ${p.events} ev)`;
  const rows = entries.map((e) => [
    e.variant,
    e.algorithm,
    e.lowWeight === undefined ? '-' : String(e.lowWeight),
    String(e.events),
    String(e.users),
    e.hitRate.toFixed(4),
    `${e.userMean.toFixed(4)} ± ${e.userSe.toFixed(4)}`,
    part(e.known),
    part(e.new),
  ]);
  return formatTextTable(header, rows, 3);
}

const hitRateJson = (p: ReplayResult['known']) => ({
  events: p.events,
  users: p.users,
  hit_rate: p.hitRate,
  user_mean: p.userMean,
  user_se: p.userSe,
});

function replayJson(entries: readonly ReplayReportEntry[]) {
  return entries.map((e) => ({
    variant: e.variant,
    algorithm: e.algorithm,
    ...(e.lowWeight === undefined ? {} : { low_weight: e.lowWeight }),
    ...hitRateJson(e),
    known: hitRateJson(e.known),
    new: hitRateJson(e.new),
  }));
}

export async function writeReplayJson(
  file: string,
  dataset: Record<string, unknown>,
  cut: number,
  entries: readonly ReplayReportEntry[],
): Promise<void> {
  const report = {
    dataset,
    protocol: {
      name: 'replay',
      cut: new Date(cut * 1000).toISOString(),
      relevance: 'rating >= 4.0 by a user with an earlier rating, of a movie in training',
      k: 10,
      session_seconds: SESSION_SECONDS,
    },
    replay: replayJson(entries),
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
