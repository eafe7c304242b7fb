/**
 * The replay stage's work: the production bundle scored on a new batch by the replay protocol
 * (protocol/replay.ts), ranked as the service ranks (rankUser) with the ratings since folded in
 * ("served") and without ("nightly"). Run in a worker thread: at a few milliseconds an event it
 * would otherwise hold the serving event loop for the whole budget.
 */
import {
  deserializeBundle,
  FOLD_IN_WEIGHTING,
  type HitRate,
  type RatingColumns,
  RELEVANCE_THRESHOLD,
  replay,
  replayEvents,
  type ReplayRating,
  type ReplayResult,
  sampleUsers,
  servedRanker,
} from '../core/index.js';
import { runWorker } from '../common/worker-thread.js';

export interface ReplayJob {
  /** The production version's artifact (a model bundle). */
  artifact: Uint8Array;
  /** The batch's ratings, in any order. */
  ratings: RatingColumns;
  /** SESSION_MINUTES in seconds, as the service uses it. */
  sessionSeconds: number;
  /** At most this many users' events are ranked (a seeded sample); undefined = all. */
  maxUsers?: number;
  /** Events are ranked until this much time has gone (the rest are not counted). */
  budgetSeconds: number;
}

/** One variant's figures: over every event, and for users the model knows and new users apart. */
export interface ReplayVariantFigures extends HitRate {
  known: HitRate;
  new: HitRate;
}

export interface ReplayOutcome {
  served: ReplayVariantFigures;
  nightly: ReplayVariantFigures;
  /** False when the budget ran out before the last event (only the earlier events counted). */
  complete: boolean;
  /** Events of movies the bundle does not hold: no list could have had them. */
  unscored: number;
  /** Users with a rating >= 4 in the batch, and how many of them were sampled. */
  candidateUsers: number;
  sampledUsers: number;
}

export function replayJob(job: ReplayJob, now: () => number = () => performance.now()): ReplayOutcome {
  const deadline = now() + job.budgetSeconds * 1000;
  const bundle = deserializeBundle(job.artifact);
  const events = replayEvents(ratingsOf(job.ratings), Number.NEGATIVE_INFINITY);
  // Only a user with a rating >= 4 can have an event: the sample is drawn among them, so that
  // maxUsers counts users who are scored.
  const candidates = [...new Set(events.filter((e) => e.rating >= RELEVANCE_THRESHOLD).map((e) => e.userId))];
  const sampled = new Set(sampleUsers(candidates, { maxUsers: job.maxUsers }));
  const options = { sessionSeconds: job.sessionSeconds };
  const { results, complete, unscored } = replay(
    bundle,
    events,
    {
      served: servedRanker(bundle, { ...options, foldIn: true }, FOLD_IN_WEIGHTING),
      nightly: servedRanker(bundle, { ...options, foldIn: false }, FOLD_IN_WEIGHTING),
    },
    { ranks: (userId) => sampled.has(userId), stop: () => now() > deadline },
  );
  const figures = ({ variant: _variant, ...rest }: ReplayResult): ReplayVariantFigures => rest;
  const [served, nightly] = results;
  return {
    served: figures(served!),
    nightly: figures(nightly!),
    complete,
    unscored,
    candidateUsers: candidates.length,
    sampledUsers: sampled.size,
  };
}

function ratingsOf(columns: RatingColumns): ReplayRating[] {
  return Array.from({ length: columns.length }, (_, i) => ({
    userId: columns.userIds[i]!,
    movieId: columns.movieIds[i]!,
    rating: columns.ratings[i]!,
    timestamp: columns.timestamps[i]!,
  }));
}

/**
 * Replays in a worker thread, at nice 19, so the event loop keeps serving meanwhile. The artifact's
 * bytes move to the worker (unusable here afterwards); the ratings' shared arrays are not copied.
 */
export function replayInWorker(job: ReplayJob, signal?: AbortSignal): Promise<ReplayOutcome> {
  const { buffer } = job.artifact;
  const transfer = buffer instanceof ArrayBuffer ? [buffer] : [];
  return runWorker<ReplayOutcome>(import.meta.url, './replay.worker.js', job, { transfer, signal });
}
