import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningApp {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string | null>;
}

/** Environment for a child process: the caller's variables only, nothing leaked from this run. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env };
}

/**
 * Starts the compiled server (`node dist/src/main.js`), as `npm start` does after its build.
 * `ownGroup`: in a process group of its own, as a terminal's foreground job is, so that
 * `process.kill(-pid, 'SIGINT')` is a Ctrl-C.
 */
export function startServer(env: Record<string, string>, { ownGroup = false } = {}): RunningApp {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env: childEnv(env),
    detached: ownGroup,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, baseUrl: `http://127.0.0.1:${env.PORT}`, output: () => output, exited };
}

export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper reading arbitrary JSON
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI (`npm run cli -- …` without the build check) to completion. */
export function runCli(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, ['dist/src/cli.js', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
