import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWorker, streamWorker } from './worker-thread.js';

describe('runWorker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `import { parentPort, workerData } from 'node:worker_threads';\n${body}`);
    return pathToFileURL(path).href;
  };

  it('hands progress messages to onProgress and resolves with the result', async () => {
    const url = script(
      'steps.mjs',
      `for (const step of workerData.steps) parentPort.postMessage({ progress: step });
       parentPort.postMessage({ total: workerData.steps.length });`,
    );
    const heard: string[] = [];
    const result = await runWorker<{ total: number }>(
      url,
      url,
      { steps: ['a', 'b'] },
      {
        onProgress: (p) => heard.push(p),
      },
    );
    expect(result).toEqual({ total: 2 });
    expect(heard).toEqual(['a', 'b']);
  });

  it('moves the buffers it is asked to transfer instead of copying them', async () => {
    const url = script('sum.mjs', `parentPort.postMessage(workerData.bytes.reduce((a, b) => a + b, 0));`);
    const bytes = Uint8Array.of(1, 2, 3);
    await expect(runWorker<number>(url, url, { bytes }, { transfer: [bytes.buffer] })).resolves.toBe(6);
    // Detached here: the worker holds it now.
    expect(bytes.buffer.byteLength).toBe(0);
    const kept = Uint8Array.of(4);
    await expect(runWorker<number>(url, url, { bytes: kept })).resolves.toBe(4);
    expect(kept.buffer.byteLength).toBe(1);
  });

  it('rejects when the worker throws', async () => {
    const url = script('throws.mjs', `throw new Error('no room for B');`);
    await expect(runWorker(url, url, {})).rejects.toThrow('no room for B');
  });

  it('terminates a worker busy in a loop when its signal is aborted, rejecting with the reason', async () => {
    // Never yields: only terminating the thread ends it.
    const url = script('spins.mjs', `parentPort.postMessage({ progress: 'spinning' }); for (;;) {}`);
    const stop = new AbortController();
    const running = runWorker(
      url,
      url,
      {},
      {
        onProgress: () => stop.abort(new Error('stopping (SIGTERM)')),
        signal: stop.signal,
      },
    );
    // Without the abort this would never settle (the test's timeout would fail it).
    await expect(running).rejects.toThrow('stopping (SIGTERM)');
  });

  it('does not start a worker for a signal already aborted', async () => {
    const url = script('never.mjs', `parentPort.postMessage('ran');`);
    const stop = new AbortController();
    stop.abort(new Error('already stopping'));
    await expect(runWorker(url, url, {}, { signal: stop.signal })).rejects.toThrow('already stopping');
  });
});

describe('streamWorker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stream-worker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const helper = new URL('./worker-thread.js', import.meta.url).href.replace('/src/', '/dist/src/');
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `import { parentPort, workerData } from 'node:worker_threads';\nimport { streamToParent } from '${helper}';\n${body}`,
    );
    return pathToFileURL(path).href;
  };

  it('yields the items in order to a slow consumer, then hands over the result', async () => {
    const url = script(
      'items.mjs',
      `const channel = streamToParent(parentPort);
       const posted = [];
       for (let i = 0; i < workerData.count; i++) { await channel.send({ i, postedBefore: posted.length }); posted.push(i); }
       channel.finish({ sent: posted.length });`,
    );
    let result: unknown;
    const items: { i: number; postedBefore: number }[] = [];
    for await (const item of streamWorker<{ i: number; postedBefore: number }, unknown>(
      url,
      url,
      { count: 6 },
      (r) => (result = r),
    )) {
      items.push(item);
      // A slow consumer: the worker must wait for it.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(items.map((item) => item.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result).toEqual({ sent: 6 });
  });

  it('throws the worker’s error', async () => {
    const url = script('fails.mjs', `throw new Error('bad header');`);
    const consume = async () => {
      for await (const _ of streamWorker(url, url, {}, () => undefined)) void _;
    };
    await expect(consume()).rejects.toThrow('bad header');
  });
});
