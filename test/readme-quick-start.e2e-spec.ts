import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/ports.js';

/**
 * The README's Quick start, run as written: its fenced bash blocks are parsed out of README.md and
 * run in order, each block in a terminal of its own (a fresh shell that keeps the block's
 * `export`s and assignments), so the README cannot drift from what works. The command text comes
 * from the README only; the test changes the environment the commands run in, nothing else:
 *
 * - PORT, DATABASE_URL (a database of its own) and the data folders (PG_DATA_DIR, DATA_CACHE_DIR
 *   in a temporary folder), so it collides with no other server, in the working tree or CI;
 * - curl's connections go to that PORT (`connect-to` lines in a .curlrc under CURL_HOME) from
 *   the host and port the README's URLs name;
 * - MOVIELENS_URL is a refused address, so a terminal that forgot MOVIELENS_DIR fails at once
 *   (as it does offline) instead of downloading; PIPELINE_CRON=off, so no midnight run joins in;
 * - EVALUATION_MAX_USERS=100, so each run's offline evaluation scores a sample (seconds, not a
 *   minute: it only shortens the test, a run's outcome is still checked).
 *
 * `npm ci` and `npm test` are not run: the first reinstalls the working tree the tests run from
 * (the e2e global setup has built it already), the second is the suite this file belongs to.
 * Any other command the test does not know fails it, so a new Quick-start line is checked or
 * the test is taught about it.
 *
 * It runs on the real ml-latest-small, where the README's MOVIELENS_DIR names it and MOVIELENS_DIR
 * is set for the test run (as CI's first pass does): the first load and two more runs take a few
 * minutes. The parse and its checks run everywhere.
 */

const ROOT = new URL('..', import.meta.url).pathname;
const README = join(ROOT, 'README.md');

interface Terminal {
  /** The block's first line in README.md, for messages. */
  line: number;
  commands: string[];
}

/** The `## Quick start` section's ```bash blocks, each a list of commands (continued lines joined). */
function quickStartTerminals(markdown: string): Terminal[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === '## Quick start');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const terminals: Terminal[] = [];
  let block: Terminal | undefined;
  let pending = '';
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!block && /^## /.test(line)) break;
    if (!block) {
      if (line.trim() === '```bash') block = { line: i + 1, commands: [] };
      continue;
    }
    if (line.trim() === '```') {
      if (pending) throw new Error(`README.md:${i}: a command ends with "\\" at the end of its block`);
      terminals.push(block);
      block = undefined;
      continue;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)}\n`;
      continue;
    }
    const command = pending + line;
    pending = '';
    if (command.trim() && !command.trim().startsWith('#')) block.commands.push(command.trim());
  }
  if (block) throw new Error(`README.md:${block.line}: the block is not closed`);
  return terminals;
}

type Kind = 'skip' | 'state' | 'server' | 'curl' | 'cli';

/** What the test does with a command; unknown commands are an error. */
function kindOf(command: string): Kind {
  const words = command.replace(/\s+#.*$/, '').trim();
  if (/^npm ci(\s|$)/.test(words) || /^npm test(\s|$)/.test(words)) return 'skip';
  if (/^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(words)) return 'state';
  if (/(^|\s)npm start$/.test(words)) return 'server';
  if (/^curl\s/.test(words)) return 'curl';
  if (/^npm run cli -- /.test(words)) return 'cli';
  throw new Error(`the Quick start's \`${command}\` is a command this test does not know how to run`);
}

/** The value a terminal's `export NAME=value` lines give NAME (last wins). */
function exported(terminal: Terminal, name: string): string | undefined {
  let value: string | undefined;
  for (const command of terminal.commands) {
    const match = new RegExp(`^(?:export\\s+)?${name}=(\\S+)`).exec(command);
    if (match) value = match[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return value;
}

const terminals = quickStartTerminals(readFileSync(README, 'utf8'));
const serverTerminal = terminals.find((t) => t.commands.some((c) => kindOf(c) === 'server'));
const readmeDataDir = serverTerminal && exported(serverTerminal, 'MOVIELENS_DIR');

function skipReason(): string | undefined {
  if (!process.env.MOVIELENS_DIR?.includes('ml-latest-small'))
    return 'MOVIELENS_DIR is not set to ml-latest-small for this run (CI sets it in its first pass)';
  if (!readmeDataDir) return undefined; // the parse checks below fail on it
  if (!existsSync(join(resolve(ROOT, readmeDataDir), 'ratings.csv')))
    return `the README's MOVIELENS_DIR (${readmeDataDir}) has no ratings.csv here`;
  return undefined;
}
const skipped = skipReason();

/**
 * The host:port pairs the README's curl lines name (localhost:8000), each sent to the test's server
 * by a `connect-to` line (curl 7.88 does not match an empty host or port there).
 */
function curlTargets(): string[] {
  const commands = terminals.flatMap((t) => t.commands).filter((c) => kindOf(c) === 'curl');
  const targets = commands.flatMap((c) =>
    [...c.matchAll(/(?:https?:\/\/)?([A-Za-z0-9.-]+):(\d+)\//g)].map((m) => `${m[1]}:${m[2]}`),
  );
  return [...new Set(targets)];
}

describe("the README's Quick start (parsed)", () => {
  it('has only commands this test can run, one server start ending its terminal', () => {
    const kinds = terminals.flatMap((t) => t.commands.map(kindOf));
    expect(kinds.filter((k) => k === 'server')).toHaveLength(1);
    const last = serverTerminal!.commands.at(-1)!;
    expect(kindOf(last), 'the server start is the last command of its terminal').toBe('server');
    expect(kinds).toContain('curl');
    expect(curlTargets().length, 'the curl lines name a host:port').toBeGreaterThan(0);
    expect(kinds).toContain('cli');
  });

  it('sets MOVIELENS_DIR in every terminal that loads data (the server and the CLI)', () => {
    expect(readmeDataDir, 'the server terminal exports MOVIELENS_DIR').toBeTruthy();
    for (const terminal of terminals.filter((t) => t.commands.some((c) => kindOf(c) === 'cli'))) {
      expect(exported(terminal, 'MOVIELENS_DIR'), `README.md:${terminal.line}: the CLI's terminal`).toBe(
        readmeDataDir,
      );
    }
  });
});

interface Finished {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

/** The last part of a long output, for failure messages. */
const tail = (text: string, chars = 3000) => (text.length > chars ? `…${text.slice(-chars)}` : text);

(skipped ? describe.skip : describe)(
  `the README's Quick start, run as written${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let dir: string;
    let db: TestDatabase;
    let env: Record<string, string>;
    let server: { child: ChildProcess; output: () => string; exited: Promise<number | string | null> };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'movie-reco-readme-'));
      db = await createTestDatabase();
      const port = await freePort();
      mkdirSync(join(dir, 'curl'));
      writeFileSync(
        join(dir, 'curl', '.curlrc'),
        curlTargets()
          .map((target) => `connect-to = ${target}:127.0.0.1:${port}\n`)
          .join(''),
      );
      env = {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        PORT: String(port),
        DATABASE_URL: db.url,
        PG_DATA_DIR: join(dir, 'pg'),
        DATA_CACHE_DIR: join(dir, 'cache'),
        CURL_HOME: join(dir, 'curl'),
        MOVIELENS_URL: `http://127.0.0.1:${await freePort()}/refused.zip`,
        PIPELINE_CRON: 'off',
        EVALUATION_MAX_USERS: '100',
      };
    });

    afterAll(async () => {
      if (server?.child.pid) {
        // Ctrl-C in the server's terminal: SIGINT to its process group (npm, sh, node).
        const group = -server.child.pid;
        const signal = (name: NodeJS.Signals) => {
          try {
            process.kill(group, name);
          } catch {
            // the group has gone
          }
        };
        signal('SIGINT');
        const stopped = await Promise.race([server.exited.then(() => true), sleep(30_000).then(() => false)]);
        if (!stopped) signal('SIGKILL');
        await sleep(500); // node may outlive npm by a moment
        signal('SIGKILL');
      }
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Runs `command` in a terminal: bash in the repository, after the terminal's state lines. */
    function shell(state: string[], command: string, detached = false) {
      const script = [...state, command].join('\n');
      return spawn('bash', ['-e', '-c', script], { cwd: ROOT, env, detached });
    }

    function run(state: string[], command: string, timeoutMs: number): Promise<Finished> {
      const child = shell(state, command);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      return new Promise((done) =>
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          done({ code: code ?? signal, stdout, stderr });
        }),
      );
    }

    function startServer(state: string[], command: string) {
      // Its own process group, as a terminal's foreground job: the cleanup stops all of it.
      const child = shell(state, command, true);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | string | null>((done) =>
        child.on('exit', (code, signal) => done(code ?? signal)),
      );
      return { child, output: () => output, exited };
    }

    /** Until /status answers 200 (a model serves), as the README says to wait. */
    async function waitForFirstRun(command: string, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let exitCode: number | string | null | undefined;
      void server.exited.then((code) => (exitCode = code));
      let last = '';
      while (Date.now() < deadline) {
        if (exitCode !== undefined) {
          throw new Error(
            `the README's \`${command}\` exited (${exitCode}) before serving:\n${tail(server.output())}`,
          );
        }
        try {
          const answer = await fetch(`http://127.0.0.1:${env.PORT}/status`);
          last = await answer.text();
          if (answer.status === 200) return;
        } catch {
          // not listening yet
        }
        await sleep(500);
      }
      throw new Error(
        `the README's \`${command}\`: no 200 from /status within ${timeoutMs / 1000} s ` +
          `(last answer: ${last || 'none'}):\n${tail(server.output())}`,
      );
    }

    function checkCurl(command: string, result: Finished): void {
      const context =
        `the README's \`${command}\` (exit ${result.code}): ${tail(result.stdout || result.stderr, 800)}\n` +
        `the server's output:\n${tail(server.output())}`;
      expect(result.code, context).toBe(0);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(result.stdout);
      } catch {
        throw new Error(`${context}\nis not JSON`);
      }
      expect(body.statusCode ?? 200, context).toBeLessThan(400);
      if (/\/users\/1\/recommendations/.test(command)) {
        // Personalised: the production model's answer for a known user, no fallback.
        expect(body, context).toMatchObject({ fallback: null });
        expect(body.path, context).not.toBe('popular');
        expect((body.items as unknown[]).length, context).toBeGreaterThan(0);
      }
      if (/\/movies\/\d+\/similar/.test(command)) {
        expect(body, context).toMatchObject({ fallback: null, path: 'similar' });
        expect((body.items as unknown[]).length, context).toBeGreaterThan(0);
      }
    }

    function checkCli(command: string, result: Finished): void {
      const context = `the README's \`${command}\` exited ${result.code}:\n${tail(result.stdout, 1500)}\n${tail(result.stderr, 1500)}`;
      expect(result.code, context).toBe(0);
      if (/ pipeline run/.test(command)) expect(result.stdout, context).toMatch(/^#\d+ .* succeeded /m);
    }

    it('starts the server, answers user 1 personally and similar movies, and runs the pipeline', async () => {
      const started = Date.now();
      const timings: string[] = [];
      for (const terminal of terminals) {
        const state: string[] = [];
        for (const command of terminal.commands) {
          const kind = kindOf(command);
          const at = Date.now();
          if (kind === 'skip') continue;
          if (kind === 'state') {
            state.push(command);
            continue;
          }
          if (kind === 'server') {
            server = startServer(state, command);
            await waitForFirstRun(command, 300_000);
          } else {
            const result = await run(state, command, 300_000);
            if (kind === 'curl') checkCurl(command, result);
            else checkCli(command, result);
          }
          timings.push(`${((Date.now() - at) / 1000).toFixed(1)} s  ${command.replace(/\s+#.*$/, '')}`);
        }
      }
      timings.push(`${((Date.now() - started) / 1000).toFixed(1)} s  in all`);
      console.log(`README Quick start:\n${timings.join('\n')}`);
    }, 900_000);
  },
);
