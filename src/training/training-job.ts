import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BoundedConcurrency } from '../common/bounded-concurrency.js';
import { runWorker } from '../common/worker-thread.js';
import {
  type BlendWeightSearch,
  type BundleModel,
  type BundleParams,
  bundleParts,
  fitBundleModels,
  type FittedBundleModels,
  type InteractionData,
  layOutBundle,
  type MovieInput,
  type RatingColumns,
} from '../core/index.js';
import type { SharedInteractions } from './interactions.worker.js';
import { SpooledArtifact } from './spooled-artifact.js';
import { makeTempFolder } from './temp-folders.js';

/** Fitting the model bundle, done in worker threads: plain data in, plain data out. */
export interface FitJob {
  ratings: RatingColumns;
  movies: MovieInput[];
  params: BundleParams;
}

export interface FitResult {
  /** The bundle's bytes, in a temporary file until the run ends (see SpooledArtifact). */
  artifact: SpooledArtifact;
  trainingSeconds: number;
  users: number;
  items: number;
  /** How the session model chose its weight, when it searched. */
  weightSearch?: BlendWeightSearch;
}

/** What one worker fits: some of the bundle's models, on the interaction matrix the workers share. */
export interface FitModelsJob {
  data: InteractionData;
  params: BundleParams;
  models: BundleModel[];
  /** The folder each serialized model is written to, as `<model>.bin`. */
  folder: string;
}

/** A serialized model in a file. */
interface ModelFile {
  path: string;
  bytes: number;
}

/**
 * In a worker: the job's models fitted, each written to a file as soon as it is serialized, so
 * neither this thread nor the one that assembles the bundle holds the bytes of a finished model.
 */
export function fitModelsJob(
  job: FitModelsJob,
  onFitted: (model: BundleModel) => void = () => undefined,
): FittedBundleModels<ModelFile> {
  return fitBundleModels(job.data, job.params, job.models, onFitted, (model, chunks) => {
    const path = join(job.folder, `${model}.bin`);
    return { path, bytes: writeChunks(path, chunks) };
  });
}

/** Writes `chunks` one after another into a new file at `path`; returns the bytes written. */
function writeChunks(path: string, chunks: readonly Uint8Array[]): number {
  const fd = openSync(path, 'wx');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.byteLength;) at += writeSync(fd, chunk, at, chunk.byteLength - at);
      bytes += chunk.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * The bundle's models in three groups, each fitted by a worker thread of its own, at most
 * FIT_THREADS at once: the session model (its weight search, EASE, the transitions and its top
 * lists) and the returning model (its EASE and top lists) start together, and item neighbours,
 * popularity and genre popularity take the first thread either leaves. A worker ending frees its
 * EASE buffers at once (a dropped WebAssembly memory waits for a garbage collection that a thread
 * busy with typed arrays may not run for minutes). The workers share one interaction matrix, built
 * first in a worker of its own.
 */
const MODEL_GROUPS: BundleModel[][] = [['session'], ['returning'], ['similar', 'popular', 'taste']];

/** Fit workers at once: the two EASE fits, one per core of a two-core machine. */
const FIT_THREADS = 2;

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
  const { data, lastRated } = await runWorker<SharedInteractions>(
    import.meta.url,
    './interactions.worker.js',
    { ratings: job.ratings, movies: job.movies },
    { signal },
  );
  const folder = await makeTempFolder('fit');
  try {
    const threads = new BoundedConcurrency(FIT_THREADS, MODEL_GROUPS.length);
    const fitted = await Promise.all(
      MODEL_GROUPS.map((models) =>
        threads.run(() =>
          runWorker<FittedBundleModels<ModelFile>>(
            import.meta.url,
            './training.worker.js',
            { data, params: job.params, models, folder } satisfies FitModelsJob,
            { onProgress: onFitted, signal },
          ),
        ),
      ),
    );
    const files = Object.assign({}, ...fitted.map((part) => part.models)) as Record<BundleModel, ModelFile>;
    const { userIds, itemIds } = data;
    const pieces = layOutBundle(bundleParts({ models: files, userIds, itemIds, lastRated }), (part) =>
      part instanceof Uint8Array ? part.byteLength : part.bytes,
    );
    const artifact = await SpooledArtifact.write(readPieces(pieces));
    const weightSearch = fitted.find((part) => part.weightSearch)?.weightSearch;
    return {
      artifact,
      trainingSeconds: (performance.now() - started) / 1000,
      users: userIds.length,
      items: itemIds.length,
      ...(weightSearch ? { weightSearch } : {}),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The bytes of a bundle's pieces in order: those in memory as they are, a model's file streamed. */
async function* readPieces(pieces: readonly (Uint8Array | ModelFile)[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) yield piece;
    else yield* createReadStream(piece.path, { highWaterMark: 8 * 1024 * 1024 }) as AsyncIterable<Buffer>;
  }
}
