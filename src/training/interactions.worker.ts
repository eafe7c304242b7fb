import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import {
  buildInteractions,
  type InteractionData,
  lastRatingTimes,
  type MovieInput,
  type RatingColumns,
  shareInteractions,
} from '../core/index.js';

/** The interaction matrix the bundle's fit workers share, with each user's newest rating time. */
export interface SharedInteractions {
  data: InteractionData;
  lastRated: Float64Array;
}

yieldCpuToServing();
const { ratings, movies } = workerData as { ratings: RatingColumns; movies: MovieInput[] };
const data = shareInteractions(buildInteractions(ratings, movies));
const lastRated = lastRatingTimes(data);
parentPort!.postMessage({ data, lastRated } satisfies SharedInteractions, [lastRated.buffer as ArrayBuffer]);
