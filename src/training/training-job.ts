import { runWorker } from '../common/worker-thread.js';
import {
  type BlendWeightSearch,
  buildInteractions,
  type BundleModel,
  type BundleParams,
  encodeBundle,
  fitBundleModels,
  lastRatingTimes,
  type MovieInput,
  type RatingColumns,
  type SerializedBundle,
} from '../core/index.js';

/** Fitting the model bundle, done in worker threads: plain data in, plain data out. */
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
  /** How the session model chose its weight, when it searched. */
  weightSearch?: BlendWeightSearch;
}

/** What one worker fits: some of the bundle's models. */
export interface FitModelsJob extends FitJob {
  models: BundleModel[];
}

export type FittedModels = Omit<SerializedBundle, 'models'> & {
  models: Partial<SerializedBundle['models']>;
  weightSearch?: BlendWeightSearch;
};

/** In a worker: the interaction matrix of the job's ratings, and its models fitted and serialized. */
export function fitModelsJob(
  job: FitModelsJob,
  onFitted: (model: BundleModel) => void = () => undefined,
): FittedModels {
  const data = buildInteractions(job.ratings, job.movies);
  return {
    ...fitBundleModels(data, job.params, job.models, onFitted),
    userIds: data.userIds,
    itemIds: data.itemIds,
    lastRated: lastRatingTimes(data),
  };
}

/**
 * The bundle's models in two groups of about equal work, one worker thread each, so a fit uses two
 * cores: the session model (its weight search, EASE, the transitions and its top lists) against the returning
 * model (its EASE and top lists) with item neighbours, popularity and genre popularity. Each worker holds
 * its own interaction matrix and EASE buffers: peak memory is about twice a one-thread fit's.
 */
const MODEL_GROUPS: BundleModel[][] = [['session'], ['returning', 'similar', 'popular', 'taste']];

/** How many models a bundle fit reports as it goes (see fitInWorkers' `onFitted`). */
export const BUNDLE_MODEL_COUNT = MODEL_GROUPS.flat().length;

/**
 * Fits the bundle off the event loop, so it keeps serving while a model trains; `onFitted` hears
 * of each model as it is done.
 */
export async function fitInWorkers(
  job: FitJob,
  onFitted: (model: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<FitResult> {
  const started = performance.now();
  const fitted = await Promise.all(
    MODEL_GROUPS.map((models) =>
      runWorker<FittedModels>(
        import.meta.url,
        './training.worker.js',
        { ...job, models },
        { onProgress: onFitted, signal },
      ),
    ),
  );
  const { userIds, itemIds, lastRated } = fitted[0]!;
  const models = Object.assign({}, ...fitted.map((part) => part.models)) as SerializedBundle['models'];
  const artifact = encodeBundle({ models, userIds, itemIds, lastRated });
  const weightSearch = fitted.find((part) => part.weightSearch)?.weightSearch;
  return {
    artifact,
    trainingSeconds: (performance.now() - started) / 1000,
    users: userIds.length,
    items: itemIds.length,
    ...(weightSearch ? { weightSearch } : {}),
  };
}
