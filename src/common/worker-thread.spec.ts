import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWorker } from './worker-thread.js';

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
    const result = await runWorker<{ total: number }>(url, url, { steps: ['a', 'b'] }, (p) => heard.push(p));
    expect(result).toEqual({ total: 2 });
    expect(heard).toEqual(['a', 'b']);
  });

  it('rejects when the worker throws', async () => {
    const url = script('throws.mjs', `throw new Error('no room for B');`);
    await expect(runWorker(url, url, {})).rejects.toThrow('no room for B');
  });
});
