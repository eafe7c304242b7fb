import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToServing } from '../common/worker-thread.js';
import { type EvaluationJob, evaluationJob } from './evaluation-job.js';

yieldCpuToServing();
parentPort!.postMessage(evaluationJob(workerData as EvaluationJob));
