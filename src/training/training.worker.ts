import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingJob, type TrainingJob } from './training-job.js';

// Runs one job and hands the result back; the artifact's buffer is moved, not copied.
const result = runTrainingJob(workerData as TrainingJob);
parentPort!.postMessage(result, result.kind === 'fit' ? [result.artifact.buffer as ArrayBuffer] : []);
