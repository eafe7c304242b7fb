import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import { fitJob, type FitJob } from './training-job.js';

yieldCpuToServing();
// Fits and hands the artifact back; its buffer is moved, not copied.
const result = fitJob(workerData as FitJob);
parentPort!.postMessage(result, [result.artifact.buffer as ArrayBuffer]);
