import { parentPort, workerData } from 'node:worker_threads';
import { streamToParent } from '../common/worker-thread.js';
import { type StageRatingsJob, stageRatingsJob } from './rating-rows-job.js';

// Parses and checks the rows, streaming good ones to the parent (which COPYs them) as it goes. At
// normal priority, unlike training: the database's COPY waits on it, and it is off the serving
// thread already.
const channel = streamToParent(parentPort!);
channel.finish(await stageRatingsJob(workerData as StageRatingsJob, (chunk) => channel.send(chunk)));
