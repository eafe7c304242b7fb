import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import { type FitModelsJob, fitModelsJob } from './training-job.js';

yieldCpuToServing();
// Fits and hands the serialized models back; their buffers are moved, not copied.
const result = fitModelsJob(workerData as FitModelsJob, (model) =>
  parentPort!.postMessage({ progress: model }),
);
const buffers = Object.values(result.models).map((bytes) => bytes.buffer as ArrayBuffer);
parentPort!.postMessage(result, buffers);
