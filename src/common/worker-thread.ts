import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type MessagePort, type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';

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

export interface RunWorkerOptions {
  /** Hears the `{ progress }` messages the worker posts before its result. */
  onProgress?: (progress: string) => void;
  /** Buffers of `data` moved to the worker rather than copied; the caller cannot use them after. */
  transfer?: readonly TransferListItem[];
  /** Aborted, the worker is terminated and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs `script` (a path relative to `callerUrl`, as compiled JavaScript) in a worker thread with
 * `data`, and resolves with the message it posts back. The event loop keeps serving meanwhile.
 * Transferring a model's bytes (about 90 MB on ml-latest-small) spares this thread a copy of some
 * 150 ms. An abort terminates the thread wherever its work is: a stopping process does not wait
 * for a fit to end.
 */
export function runWorker<T>(
  callerUrl: string,
  script: string,
  data: unknown,
  { onProgress = () => undefined, transfer = [], signal }: RunWorkerOptions = {},
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const worker = new Worker(compiled(callerUrl, script), {
      workerData: data,
      transferList: [...transfer],
    });
    const abort = () => {
      reject(signal?.reason as Error);
      void worker.terminate();
    };
    signal?.addEventListener('abort', abort, { once: true });
    const settle = () => signal?.removeEventListener('abort', abort);
    worker.on('message', (message: unknown) => {
      if (isProgress(message)) return onProgress(message.progress);
      settle();
      resolve(message as T);
    });
    worker.once('error', (error) => {
      settle();
      reject(error);
    });
    worker.once('exit', (code) => {
      settle();
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

/** A worker's stream message (anything else it posts is its result). */
interface StreamItem {
  item: unknown;
}

const isStreamItem = (message: unknown): message is StreamItem =>
  typeof message === 'object' && message !== null && 'item' in message;

/**
 * Items a streaming worker may post before the parent has taken them: what bounds its memory. Items
 * are small (a batch of about 64 KiB of rows), so a few in flight keep the worker from waiting on
 * each round trip.
 */
const STREAM_CREDITS = 8;
const CREDIT = 'credit';

type StreamEntry<T, R> = { item: T } | { result: R } | { error: Error };

/**
 * Runs `script` in a worker thread that posts items with `streamToParent` and yields them in order;
 * `onResult` gets the worker's final message. The worker may run at most STREAM_CREDITS items ahead
 * of the consumer, so a slow consumer (a COPY into the database) holds the worker back rather than
 * letting messages pile up in memory. Stopping early, or an error, terminates the worker.
 */
export async function* streamWorker<T, R>(
  callerUrl: string,
  script: string,
  data: unknown,
  onResult: (result: R) => void,
  resourceLimits?: ResourceLimits,
): AsyncGenerator<T> {
  const worker = new Worker(compiled(callerUrl, script), { workerData: data, resourceLimits });
  const queue: StreamEntry<T, R>[] = [];
  let wake: (() => void) | undefined;
  const push = (entry: StreamEntry<T, R>) => {
    queue.push(entry);
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: unknown) =>
    push(isStreamItem(message) ? { item: message.item as T } : { result: message as R }),
  );
  worker.once('error', (error) => push({ error }));
  worker.once('exit', (code) =>
    push({ error: new Error(`the worker ${script} stopped with exit code ${code} before its result`) }),
  );
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const entry = queue.shift()!;
      if ('error' in entry) throw entry.error;
      if ('result' in entry) {
        onResult(entry.result);
        return;
      }
      yield entry.item;
      worker.postMessage(CREDIT);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * The worker's side of streamWorker: `send` posts an item, waiting while the parent has not taken
 * the earlier ones; `finish` posts the result.
 */
export function streamToParent(port: MessagePort): {
  send(item: unknown): Promise<void>;
  finish(result: unknown): void;
} {
  let credits = STREAM_CREDITS;
  let waiting: (() => void) | undefined;
  const onCredit = () => {
    credits++;
    waiting?.();
    waiting = undefined;
  };
  port.on('message', onCredit);
  return {
    async send(item) {
      while (credits === 0) await new Promise<void>((resolve) => (waiting = resolve));
      credits--;
      port.postMessage({ item } satisfies StreamItem);
    },
    finish(result) {
      port.postMessage(result);
      // Nothing else to wait for: the worker's event loop may now empty and the thread end.
      port.off('message', onCredit);
    },
  };
}
