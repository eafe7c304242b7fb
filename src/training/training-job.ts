import { runWorker } from '../common/worker-thread.js';
import type { RatingColumns } from '../common/rating-columns.js';
import { buildInteractions, type MovieInput } from './interactions.js';
import { type BundleParams, fitBundle, serializeBundle } from './model-bundle.js';

/** Fitting the model bundle, done in a worker thread: plain data in, plain data out. */
export interface FitJob {
  ratings: RatingColumns;
  movies: MovieInput[];
  params: BundleParams;
}

export interface FitResult {
  artifact: Uint8Array;
  trainingSeconds: number;
  users: number;
  items: number;
}

export function fitJob(job: FitJob): FitResult {
  const started = performance.now();
  const data = buildInteractions(job.ratings, job.movies);
  const artifact = serializeBundle(fitBundle(data, job.params));
  return {
    artifact,
    trainingSeconds: (performance.now() - started) / 1000,
    users: data.numUsers,
    items: data.numItems,
  };
}

/** Fits in a worker thread, so the event loop keeps serving while a model trains. */
export function fitInWorker(job: FitJob): Promise<FitResult> {
  return runWorker<FitResult>(import.meta.url, './training.worker.js', job);
}
