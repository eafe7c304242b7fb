import { parentPort, workerData } from 'node:worker_threads';
import { streamToParent, yieldCpuToServing } from '../common/worker-thread.js';
import { type StageRatingsJob, stageRatingsJob } from './rating-rows-job.js';

yieldCpuToServing();
// Parses and checks the rows, streaming good ones to the parent (which COPYs them) as it goes.
const channel = streamToParent(parentPort!);
channel.finish(await stageRatingsJob(workerData as StageRatingsJob, (chunk) => channel.send(chunk)));
