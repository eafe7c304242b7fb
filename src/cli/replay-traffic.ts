/**
 * `replay-traffic`: sends a period of a MovieLens-shaped folder to a running server as traffic —
 * for each rating in time order, the user first asks for their list (when the rating is one the
 * replay protocol scores), then sends the rating with a feedback:write token — and prints the
 * online hit rate the server measured (/metrics: impression hits over user lists) beside the
 * offline replay's figure for the same period, as a server fed this traffic would rank.
 */
import type { Command } from 'commander';
import { loadMovieLensFolder } from '../evaluation/movielens-folder.js';
import {
  BUNDLE_ALGORITHM,
  FOLD_IN_WEIGHTING,
  RELEVANCE_THRESHOLD,
  replayEvents,
  type ReplayRating,
} from '../core/index.js';
import { parseCut, ReplayUsageError, runReplay } from '../evaluation/replay-command.js';
import { loggingProgress, type ProgressReporter } from '../common/progress.js';
import { type CliContext, CliUsageError } from './cli-context.js';
import { integerIn, positiveNumber, withUsageErrors } from './options.js';

interface TrafficOptions {
  source: string;
  from: string;
  to?: string;
  url: string;
  clientId: string;
  clientSecret: string;
  /** Requests per second at most. */
  rate: number;
  /** Only the first this many ratings of the period. */
  maxRatings?: number;
  /** Skip the offline replay (its fit takes a minute on ml-latest-small). */
  offline: boolean;
}

interface TrafficIo {
  out(text: string): void;
  log(text: string): void;
  progress: ProgressReporter;
}

/** The online counters this replayer reads: lists served to users, and the hits they got. */
export interface OnlineCounts {
  impressions: number;
  hits: number;
}

/** Sums `movie_reco_impressions_total{endpoint="user"}` and `movie_reco_impression_hits_total`. */
export function onlineCounts(metrics: string): OnlineCounts {
  let impressions = 0;
  let hits = 0;
  for (const line of metrics.split('\n')) {
    const match = /^(movie_reco_impressions_total|movie_reco_impression_hits_total)(\{[^}]*\})?\s+(\S+)/.exec(
      line,
    );
    if (!match) continue;
    const value = Number(match[3]);
    if (match[1] === 'movie_reco_impression_hits_total') hits += value;
    else if ((match[2] ?? '').includes('endpoint="user"')) impressions += value;
  }
  return { impressions, hits };
}

/** What the traffic does per rating: ask for the list first when the replay scores that rating. */
export interface TrafficStep {
  rating: ReplayRating;
  askList: boolean;
}

/**
 * The steps of a period: every rating, in replay order, asking for the list before each one the
 * replay protocol scores (>= 4, a user with an earlier rating, a movie the training data holds).
 */
export function trafficSteps(train: readonly ReplayRating[], events: readonly ReplayRating[]): TrafficStep[] {
  const rated = new Set(train.map((rating) => rating.userId));
  const movies = new Set(train.map((rating) => rating.movieId));
  return events.map((rating) => {
    const askList =
      rating.rating >= RELEVANCE_THRESHOLD && rated.has(rating.userId) && movies.has(rating.movieId);
    rated.add(rating.userId);
    return { rating, askList };
  });
}

class TrafficClient {
  private token = '';
  private nextAt = 0;

  constructor(
    private readonly url: string,
    private readonly rate: number,
  ) {}

  async authenticate(clientId: string, clientSecret: string): Promise<void> {
    const response = await fetch(`${this.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token)
      throw new ReplayUsageError(
        `the token request failed (${response.status}): ${body.error_description ?? ''}`,
      );
    this.token = body.access_token;
  }

  /** One request, paced to the rate, waiting out a 429 as its Retry-After says. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    for (;;) {
      const wait = this.nextAt - Date.now();
      if (wait > 0) await sleep(wait);
      this.nextAt = Math.max(Date.now(), this.nextAt) + 1000 / this.rate;
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 429) {
        await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
        continue;
      }
      const json = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${json?.message ?? ''}`);
      return json;
    }
  }

  async metrics(): Promise<OnlineCounts> {
    const response = await fetch(`${this.url}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
    return onlineCounts(await response.text());
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longer than the impressions module's delay before a rating's hit check, plus a metrics refresh. */
const HIT_CHECK_WAIT_MS = 8_000;

async function runReplayTraffic(options: TrafficOptions, io: TrafficIo): Promise<void> {
  const cut = parseCut(options.from);
  const until = options.to === undefined ? Number.POSITIVE_INFINITY : parseCut(options.to);
  const folder = await loadMovieLensFolder(options.source);
  const train = folder.ratings.filter((rating) => rating.timestamp < cut);
  const period = replayEvents(folder.ratings, cut).filter((rating) => rating.timestamp < until);
  const events = options.maxRatings === undefined ? period : period.slice(0, options.maxRatings);
  if (events.length === 0) throw new ReplayUsageError('the period holds no rating to send');
  const steps = trafficSteps(train, events);
  const lists = steps.filter((step) => step.askList).length;
  io.log(`replay-traffic: ${events.length} ratings to send, ${lists} lists to ask for, to ${options.url}`);

  const client = new TrafficClient(options.url.replace(/\/$/, ''), options.rate);
  await client.authenticate(options.clientId, options.clientSecret);
  const before = await client.metrics();
  let clientHits = 0;
  io.progress.start('ratings sent', steps.length, 'steps');
  for (const [done, { rating, askList }] of steps.entries()) {
    if (askList) {
      const list = (await client.request('GET', `/users/${rating.userId}/recommendations`)) as {
        items: { movieId: number }[];
      };
      if (list.items.some((item) => item.movieId === rating.movieId)) clientHits++;
    }
    await client.request('POST', `/users/${rating.userId}/ratings`, {
      movieId: rating.movieId,
      rating: rating.rating,
    });
    io.progress.update(done + 1);
  }
  io.progress.stop();
  // Hits are counted off the request path, a few seconds after the rating (so that a list another
  // replica served is written by then): wait past that, then until the counter settles.
  await sleep(HIT_CHECK_WAIT_MS);
  let after = await client.metrics();
  for (let settled = 0; settled < 3;) {
    await sleep(1000);
    const now = await client.metrics();
    settled = now.hits === after.hits ? settled + 1 : 0;
    after = now;
  }
  const impressions = after.impressions - before.impressions;
  const hits = after.hits - before.hits;
  const lines = [
    `ratings sent          ${events.length}`,
    `lists asked for       ${lists} (hits seen by this client: ${clientHits}, ${(clientHits / Math.max(lists, 1)).toFixed(4)})`,
    `online (/metrics)     ${hits} hits / ${impressions} user lists = ${(hits / Math.max(impressions, 1)).toFixed(4)}`,
  ];
  if (options.offline) {
    io.log(
      'replay-traffic: the offline replay of the same period (fits the bundle on the ratings before it)…',
    );
    const offline = runReplay(folder, {
      cut,
      // The ratings sent; with --max-ratings a tie at the last one's second may add a few offline.
      until: options.maxRatings === undefined ? until : events[events.length - 1]!.timestamp + 1,
      clock: 'traffic',
      algorithms: [BUNDLE_ALGORITHM],
      lowWeights: [FOLD_IN_WEIGHTING.lowWeight],
      log: io.log,
    });
    for (const entry of offline.entries.filter(
      (e) => e.algorithm === BUNDLE_ALGORITHM || e.variant === 'popularity',
    ))
      lines.push(
        `offline ${entry.variant.padEnd(13)} ${entry.hitRate.toFixed(4)} over ${entry.events} events (user mean ${entry.userMean.toFixed(4)} ± ${entry.userSe.toFixed(4)})`,
      );
  }
  io.out(lines.join('\n'));
}

/** Registers `replay-traffic` on the CLI program. */
export function registerReplayTrafficCommand(program: Command, context: CliContext): void {
  program
    .command('replay-traffic')
    .description(
      'Send a period of a MovieLens folder to a running server as traffic (list, then rating) and print ' +
        'the online hit rate it measured beside the offline replay (no database)',
    )
    .requiredOption('--source <dir>', 'folder with movies.csv and ratings.csv')
    .requiredOption(
      '--from <year|date>',
      'the period starts here (UTC): the server should be trained on what is before',
    )
    .option('--to <year|date>', 'the period ends before this (default: the end of the data)')
    .option('--url <url>', 'the server', 'http://localhost:8000')
    .requiredOption(
      '--client-id <id>',
      'an AUTH_CLIENTS client with feedback:write (and users:read when required)',
    )
    .option(
      '--rate <n>',
      'requests per second at most',
      positiveNumber((text) => `--rate must be a positive number; got "${text}"`),
      200,
    )
    .option(
      '--max-ratings <n>',
      'send only the first n ratings of the period',
      integerIn(
        1,
        Number.MAX_SAFE_INTEGER,
        (text) => `--max-ratings must be a whole number >= 1; got "${text}"`,
      ),
    )
    .option('--no-offline', 'skip the offline replay')
    .action(async (options: Omit<TrafficOptions, 'clientSecret'>) => {
      const clientSecret = process.env.CLIENT_SECRET;
      if (!clientSecret)
        throw new CliUsageError('set CLIENT_SECRET to the client secret (kept off the command line)');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const progress =
        context.progress() ??
        loggingProgress((fields, message) => log(`${message} ${JSON.stringify(fields)}`));
      await withUsageErrors([ReplayUsageError], () =>
        runReplayTraffic({ ...options, clientSecret }, { out: context.out, log, progress }),
      );
    });
}
