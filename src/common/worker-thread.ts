import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A compiled worker script beside `callerUrl`. Run from the build it sits there; when the caller
 * runs as TypeScript (the tests), the worker still runs from the build, which the tests make first.
 */
function compiled(callerUrl: string, script: string): URL {
  const beside = new URL(script, callerUrl);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL(beside.href.replace('/src/', '/dist/src/'));
}

/** What a worker posts while it works (any other message is its result). */
interface WorkerProgress {
  progress: string;
}

const isProgress = (message: unknown): message is WorkerProgress =>
  typeof message === 'object' && message !== null && 'progress' in message;

/**
 * Runs `script` (a path relative to `callerUrl`, as compiled JavaScript) in a worker thread with
 * `data`, and resolves with the message it posts back; `{ progress }` messages it posts before
 * go to `onProgress`. The event loop keeps serving meanwhile.
 */
export function runWorker<T>(
  callerUrl: string,
  script: string,
  data: unknown,
  onProgress: (progress: string) => void = () => undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(compiled(callerUrl, script), { workerData: data });
    worker.on('message', (message: unknown) => {
      if (isProgress(message)) onProgress(message.progress);
      else resolve(message as T);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the worker ${script} stopped with exit code ${code}`));
    });
  });
}

/**
 * Linux keeps a nice value per thread, and setpriority(0) from a worker thread applies to that
 * thread alone: heavy work then only takes the CPU the request-serving main thread leaves over,
 * so serving latency holds while a model trains on a busy machine. Elsewhere this may renice the
 * whole process or be refused; either way the work still runs.
 */
export function yieldCpuToServing(): void {
  try {
    setPriority(19);
  } catch {
    // Not permitted here: run at normal priority.
  }
}
