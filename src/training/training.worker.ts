import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import { type FitModelsJob, fitModelsJob } from './training-job.js';

yieldCpuToServing();
// Fits, writes each serialized model to the job's folder, and hands back where they are.
const result = fitModelsJob(workerData as FitModelsJob, (model) =>
  parentPort!.postMessage({ progress: model }),
);
parentPort!.postMessage(result);
