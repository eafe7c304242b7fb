import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingJob, type TrainingJob } from './training-job.js';

/**
 * Linux keeps a nice value per thread, and setpriority(0) from a worker thread applies to that
 * thread alone: training then only takes the CPU the request-serving main thread leaves over, so
 * serving latency holds while a model trains on a busy machine. Elsewhere this may renice the
 * whole process or be refused; either way training still runs.
 */
const TRAINING_NICE = 19;
try {
  setPriority(TRAINING_NICE);
} catch {
  // Not permitted here: train at normal priority.
}

// Runs one job and hands the result back; the artifact's buffer is moved, not copied.
const result = runTrainingJob(workerData as TrainingJob);
parentPort!.postMessage(result, result.kind === 'fit' ? [result.artifact.buffer as ArrayBuffer] : []);
