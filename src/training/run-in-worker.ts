import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EvaluateResult, FitResult, TrainingJob } from './training-job.js';

/**
 * The compiled worker script. Run from the build it sits beside this file; when this file runs
 * as TypeScript (the tests), the worker still runs from the build, which the tests make first.
 */
function workerScript(): URL {
  const beside = new URL('./training.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL(beside.href.replace('/src/training/', '/dist/src/training/'));
}

/** Runs a training job in a worker thread, so the event loop keeps serving while a model trains. */
export function runInWorker<J extends TrainingJob>(
  job: J,
): Promise<J extends { kind: 'fit' } ? FitResult : EvaluateResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), { workerData: job });
    worker.once('message', (result) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the training worker stopped with exit code ${code}`));
    });
  });
}
