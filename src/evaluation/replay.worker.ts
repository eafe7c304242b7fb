import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import { type ReplayJob, replayJob } from './replay-job.js';

yieldCpuToServing();
parentPort!.postMessage(replayJob(workerData as ReplayJob));
