// Benchmarks: bulk ingest of a MovieLens folder, the period-by-period replay, the public routes'
// throughput against issue 13's goals (wrk when installed, else autocannon), recommendation serving
// latency idle and while a model trains in the server's worker thread; on request only (slow), a
// whole pipeline run on generated data of growing sizes, and a large upload against memory.
// Usage: npm run bench [-- --runs 3 --seconds 10 --only ingest,replay,routes,serving --connections 32,8]
//        npm run bench -- --only routes [--seconds 10 --runs 1]   (`http` is the same section)
//        npm run bench -- --only scale [--scale-sizes 1000000,5000000]
//        npm run bench -- --only uploads [--upload-mb 50 --upload-heap-mb 300 --seconds 10]
//        npm run bench -- --only impressions [--seconds 15]
//        npm run bench -- --only fold-in   (bench/fold-in.mjs: no server, no database)
//        npm run bench -- --only linalg [--linalg-sizes 2000,6000 --runs 1]   (bench/linalg.mjs: the EASE
//          fit's SPD inverse on each backend; no server, no database)
//        npm run bench -- --only gram [--gram-ratings 25000000 --runs 1]   (bench/gram.mjs: the EASE
//          fit's Gram and top lists on a generated matrix, no server, no database)
//        npm run bench -- --only token-crowd [--seconds 15]   (bench/token-crowd.mjs)
// (MOVIELENS_DIR: the dataset; DATABASE_URL: a server to create scratch databases on, else an
// embedded PostgreSQL in a temp folder)
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { writeScalePlot } from './scale-plot.mjs';
import { tokenCrowd } from './token-crowd.mjs';

// The default sections; `scale` and `uploads` run only when named in --only.
const SECTIONS = ['ingest', 'replay', 'routes', 'serving'];
const ON_REQUEST = ['scale', 'uploads', 'impressions', 'fold-in', 'token-crowd', 'linalg', 'gram'];
// The sections that need no database: with only these, no PostgreSQL is started.
const NO_DATABASE = ['fold-in', 'linalg', 'gram'];
// Earlier name of the routes section (it measured fewer routes with autocannon); still accepted.
const ALIASES = { http: 'routes' };
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    // Sections to run, comma-separated (default: all of them).
    only: { type: 'string', default: SECTIONS.join(',') },
    // Concurrencies of the serving section.
    connections: { type: 'string', default: '32,8' },
    // Dataset sizes of the scale section, in ratings, comma-separated.
    'scale-sizes': { type: 'string', default: '1000000,5000000' },
    // Size of the uploads section's file of bad rows, in MB.
    'upload-mb': { type: 'string', default: '50' },
    // The uploads section's server heap (--max-old-space-size, MB).
    'upload-heap-mb': { type: 'string', default: '300' },
    // Orders of the linalg section's matrices, comma-separated.
    'linalg-sizes': { type: 'string', default: '2000,6000' },
    // Ratings of the gram section's generated interaction matrix.
    'gram-ratings': { type: 'string', default: '25000000' },
  },
});
const runs = Number(args.runs);
const seconds = Number(args.seconds);
const only = new Set(args.only.split(',').map((name) => ALIASES[name.trim()] ?? name.trim()));
const unknown = [...only].filter((name) => ![...SECTIONS, ...ON_REQUEST].includes(name));
if (unknown.length > 0)
  throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; known: ${[...SECTIONS, ...ON_REQUEST]}`);
const servingConnections = args.connections.split(',').map(Number);
const scaleSizes = args['scale-sizes'].split(',').map((size) => Number(size.trim()));
if (scaleSizes.some((size) => !Number.isInteger(size) || size < 20))
  throw new Error(`--scale-sizes: whole numbers of ratings, at least 20 each: ${args['scale-sizes']}`);
const execFileAsync = promisify(execFile);
const movielensDir = process.env.MOVIELENS_DIR ?? '../shared/data/movielens/ml-latest-small';

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const { EmbeddedPostgres } = await import('../dist/src/database/embedded-postgres.js');

async function adminUrl() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'movie-reco-bench-'));
  chmodSync(dir, 0o755);
  const server = new EmbeddedPostgres({
    dataDir: join(dir, 'pg'),
    port: 54400 + Math.floor(Math.random() * 500),
    database: 'postgres',
    log: { info() {}, warn() {}, debug() {} },
  });
  const url = await server.start();
  return { url, stop: async () => (await server.stop(), rmSync(dir, { recursive: true, force: true })) };
}

async function admin(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

function cli(argv, env) {
  return execFileSync(process.execPath, ['dist/src/cli.js', ...argv], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', MOVIELENS_DIR: movielensDir, ...env },
    encoding: 'utf8',
  });
}

const ratingsApplied = (run) => run.stages.find((stage) => stage.name === 'transform').detail.ratings;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a value other than undefined; throws after `timeoutMs`. */
async function until(what, probe, { everyMs = 100, timeoutMs = 120_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts the compiled server on a random loopback port with PATH, MOVIELENS_DIR and LOG_LEVEL=warn,
 * then `env` on top; resolves once GET /status answers 200. Gives its base URL, the child process,
 * `stop()` (SIGTERM, then waits at most 10 s for the exit) and `stderrTail()` (its last 4,000
 * characters of stderr, for error messages).
 */
async function startServer(env, { nodeArgs = [] } = {}) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const app = spawn(process.execPath, [...nodeArgs, 'dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      MOVIELENS_DIR: movielensDir,
      LOG_LEVEL: 'warn',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  app.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => app.once('exit', resolve));
  const server = {
    base: `http://127.0.0.1:${port}`,
    app,
    stderrTail: () => stderr,
    async stop() {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    },
  };
  try {
    await until('the server to answer GET /status', async () => {
      if (app.exitCode !== null || app.signalCode !== null)
        throw new Error(`the server exited (${app.exitCode ?? app.signalCode})`);
      return (await fetch(`${server.base}/status`).catch(() => ({ ok: false }))).ok ? true : undefined;
    });
  } catch (error) {
    await server.stop();
    throw withServerErr(error, server);
  }
  return server;
}

/** `error` with the server's last lines of stderr appended, when it wrote any. */
function withServerErr(error, server) {
  const tail = server?.stderrTail();
  if (tail) error.message += `\n(server stderr, last lines)\n${tail}`;
  return error;
}

/** A bearer token for `client` ({ id, secret }) from the server at `base` (client credentials). */
async function clientToken(base, client) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    }),
  });
  if (!response.ok) throw new Error(`POST /oauth/token: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}
/**
 * CPU use over a window, in cores: the whole machine (/proc/stat), the server process (all its
 * threads, /proc/PID/stat) and this process (autocannon); "other" is the rest of the machine, e.g.
 * PostgreSQL or work that is not ours. Null where /proc is missing.
 */
function cpuMeter(serverPid) {
  const clockTicks = 100; // USER_HZ on Linux
  const read = () => {
    const machine = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = machine[3] + (machine[4] ?? 0);
    const total = machine.reduce((sum, x) => sum + x, 0);
    const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    const server = Number(fields[11]) + Number(fields[12]); // utime + stime
    const self = process.cpuUsage();
    return { at: performance.now(), busy: total - idle, total, server, self: self.user + self.system };
  };
  let start;
  try {
    start = read();
  } catch {
    return { stop: () => null };
  }
  return {
    stop() {
      const end = read();
      const wall = (end.at - start.at) / 1000;
      const cores = cpus().length;
      const machine = ((end.busy - start.busy) / (end.total - start.total)) * cores;
      const server = (end.server - start.server) / clockTicks / wall;
      const client = (end.self - start.self) / 1e6 / wall;
      const round = (x) => Number(x.toFixed(2));
      return {
        machine: round(machine),
        server: round(server),
        client: round(client),
        other: round(Math.max(0, machine - server - client)),
      };
    },
  };
}

/**
 * Serving latency of the recommendation routes, idle and inside a training run. The server holds
 * model version 1 trained on every rating (`ingest --next` up to REPLAY_START_YEAR=2017, then
 * `pipeline run` applies 2018 and trains). After that the replay is exhausted: a run would stop at
 * its ingest stage with "no new data" and never train. So before each training window one
 * feedback rating is posted (POST /users/:id/ratings with a feedback:write token); the run adopts
 * it as a data batch and trains on all data. Each window: start a run (POST /admin/pipeline/runs, bearer token from
 * /oauth/token), wait until its train stage is running, load one route for `seconds`, check the
 * train stage is still running; then wait for the run to end and for its model to be served.
 */
async function serving(adminDbUrl) {
  const name = `movie_reco_bench_${process.pid}_serving`;
  await admin(adminDbUrl, `CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(adminDbUrl), { pathname: `/${name}` }).toString();
  const env = { DATABASE_URL: url, REPLAY_START_YEAR: '2017', PIPELINE_CRON: 'off', AUTO_INGEST: 'false' };
  cli(['db', 'migrate'], env);
  cli(['ingest', '--next', '--json'], env);
  const first = JSON.parse(cli(['pipeline', 'run', '--json'], env));
  const firstTrain = first.stages.find((stage) => stage.name === 'train');
  if (first.status !== 'succeeded' || firstTrain?.status !== 'succeeded') {
    throw new Error(`the setup run did not train a model: ${first.summary ?? first.error}`);
  }

  const client = { id: 'bench', secret: `bench-${process.pid}-${Math.random().toString(36).slice(2)}` };
  let server;
  try {
    server = await startServer({
      ...env,
      AUTH_CLIENTS: JSON.stringify([
        { ...client, scopes: ['pipeline:run', 'pipeline:read', 'feedback:write'] },
      ]),
      JWT_SECRET: `${client.secret}-jwt-secret-of-at-least-32-characters`,
    });
    const { app, base } = server;
    const json = async (method, path, { token, body } = {}) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    const servedVersion = async () =>
      (await fetch(`${base}/users/1/recommendations`).catch(() => null))?.ok
        ? (await json('GET', '/users/1/recommendations')).modelVersion
        : undefined;
    await until('the server to serve model version 1', servedVersion, { timeoutMs: 60_000 });
    const load = async (path, connections, duration) => {
      const meter = cpuMeter(app.pid);
      const r = await autocannon({ url: `${base}${path}`, connections, duration });
      return {
        requestsPerSecond: Math.round(r.requests.average),
        p50ms: r.latency.p50,
        p99ms: r.latency.p99,
        maxMs: r.latency.max,
        errors: r.errors + r.non2xx,
        cpuCores: meter.stop(),
      };
    };
    const stageOf = (run, stageName) => run.stages.find((stage) => stage.name === stageName);

    /** One window inside a training run; returns the load figures and the run's facts. */
    const duringTraining = async (path, connections, rating) => {
      // The replay is exhausted: without a pending feedback rating the run would not train.
      const bearer = await clientToken(base, client);
      await json('POST', '/users/611/ratings', { token: bearer, body: { movieId: 1, rating } });
      const { runId } = await json('POST', '/admin/pipeline/runs', { token: bearer });
      const get = () => json('GET', `/admin/pipeline/runs/${runId}`, { token: bearer });
      await until(`run ${runId} to reach its train stage`, async () => {
        const run = await get();
        if (stageOf(run, 'train')?.status === 'running') return run;
        // A run that ends (or skips train) before training would otherwise be waited for forever.
        if (
          run.status !== 'running' ||
          ['succeeded', 'skipped', 'failed'].includes(stageOf(run, 'train')?.status)
        ) {
          throw new Error(`run ${runId} ended without training: ${run.status}, ${run.summary ?? run.error}`);
        }
        return undefined;
      });
      const figures = await load(path, connections, seconds);
      const after = await get();
      const insideTrain = after.status === 'running' && stageOf(after, 'train')?.status === 'running';
      const done = await until(
        `run ${runId} to finish`,
        async () => {
          const run = await get();
          return run.status === 'running' ? undefined : run;
        },
        { everyMs: 500, timeoutMs: 600_000 },
      );
      if (done.status !== 'succeeded') throw new Error(`run ${runId} failed: ${done.error}`);
      const promote = stageOf(done, 'promote');
      // The next window must not overlap the swap to the new version.
      if (promote?.detail?.promoted) {
        const version = promote.detail.modelVersion;
        await until(`model version ${version} to be served`, async () =>
          (await servedVersion()) === version ? true : undefined,
        );
      }
      return {
        ...figures,
        insideTrain,
        runId,
        trainSeconds: stageOf(done, 'train').seconds,
        modelVersion: promote?.detail?.modelVersion,
      };
    };

    const routes = ['/users/1/recommendations', '/movies/1/similar'];
    for (const path of routes) await load(path, 32, 2); // warm-up (JIT, first allocations)
    const windows = [];
    let rating = 3;
    for (let run = 0; run < runs; run++) {
      for (const connections of servingConnections) {
        for (const path of routes) {
          // Idle and training windows alternate, so a slow spell of the machine touches both.
          const idle = await load(path, connections, seconds);
          windows.push({ run: run + 1, path, connections, phase: 'idle', ...idle, load1: loadavg()[0] });
          rating = rating === 3 ? 4 : 3;
          const training = await duringTraining(path, connections, rating);
          windows.push({
            run: run + 1,
            path,
            connections,
            phase: 'training',
            ...training,
            load1: loadavg()[0],
          });
          process.stderr.write(
            `serving ${path} c=${connections} run ${run + 1}: idle p99 ${idle.p99ms} ms, training p99 ${training.p99ms} ms` +
              `${training.insideTrain ? '' : ' (window NOT inside the train stage: not counted)'}\n`,
          );
        }
      }
    }

    // Medians over the runs; a training window that outlived the train stage is left out.
    const summary = [];
    for (const connections of servingConnections) {
      for (const path of routes) {
        const of = (phase) =>
          windows.filter(
            (w) =>
              w.path === path &&
              w.connections === connections &&
              w.phase === phase &&
              w.insideTrain !== false,
          );
        const figures = (ws) => ({
          windows: ws.length,
          requestsPerSecond: median(ws.map((w) => w.requestsPerSecond)),
          p50ms: median(ws.map((w) => w.p50ms)),
          p99ms: median(ws.map((w) => w.p99ms)),
          worstP99ms: Math.max(...ws.map((w) => w.p99ms)),
          errors: ws.reduce((sum, w) => sum + w.errors, 0),
          // CPU of processes other than the server and autocannon during the windows (foreign load).
          otherCores: median(ws.map((w) => w.cpuCores?.other ?? 0)),
        });
        const idle = figures(of('idle'));
        const training = figures(of('training'));
        summary.push({
          path,
          connections,
          idle,
          training,
          p99Ratio: Number((training.p99ms / idle.p99ms).toFixed(2)),
          within2x: training.p99ms <= 2 * idle.p99ms,
        });
      }
    }
    return {
      model: { ratings: firstTrain.rows, trainSeconds: firstTrain.seconds, setupRunSeconds: first.seconds },
      seconds,
      summary,
      windows,
    };
  } catch (error) {
    throw withServerErr(error, server);
  } finally {
    await server?.stop();
    await admin(adminDbUrl, `DROP DATABASE ${name} WITH (FORCE)`).catch(() => undefined);
  }
}

/**
 * Users and movies for `ratings` in MovieLens 25M's proportions (25,000,095 ratings, 162,541 users,
 * 62,423 movies), at least 3,000 each; users at most ratings / 20 (synth's limit).
 */
function scaleShape(ratings) {
  const ML25M = { ratings: 25_000_095, users: 162_541, movies: 62_423 };
  return {
    ratings,
    users: Math.min(
      Math.floor(ratings / 20),
      Math.max(3000, Math.round((ratings * ML25M.users) / ML25M.ratings)),
    ),
    movies: Math.max(3000, Math.round((ratings * ML25M.movies) / ML25M.ratings)),
  };
}

/**
 * Runs the CLI as a child process (stderr passed through) and returns its stdout, wall seconds and
 * peak RSS in MB: from `/usr/bin/time -v` when there is one (written to `timeFile`), else the
 * highest VmHWM seen polling /proc every 100 ms.
 */
async function measuredCli(argv, env, timeFile) {
  const node = [process.execPath, 'dist/src/cli.js', ...argv];
  const timed = existsSync('/usr/bin/time');
  const [command, ...rest] = timed ? ['/usr/bin/time', '-v', '-o', timeFile, ...node] : node;
  const started = process.hrtime.bigint();
  const child = spawn(command, rest, {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', MOVIELENS_DIR: movielensDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  let peakKb = 0;
  const poll = timed
    ? undefined
    : setInterval(() => {
        try {
          const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
        } catch {
          // Gone, or no /proc.
        }
      }, 100);
  const code = await new Promise((resolve, reject) => child.once('error', reject).once('close', resolve));
  clearInterval(poll);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`cli ${argv.join(' ')} exited with ${code}: ${stdout.slice(-2000)}`);
  if (timed) {
    const maxRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
    peakKb = maxRss ? Number(maxRss[1]) : 0;
  }
  return { stdout, wall, peakRssMB: peakKb > 0 ? Math.round(peakKb / 1024) : null };
}

const SCALE_PLOT = new URL('./scale.svg', import.meta.url);
const SCALE_PLOTTED = ['ingest', 'validate', 'transform', 'train', 'evaluate'];

/**
 * Scale: per size, a MovieLens-shaped folder from `cli synth` (seed 1) and a fresh database, then
 * one `pipeline run` with REPLAY_START_YEAR=2100, so its first batch holds every rating and it
 * loads, validates, trains, evaluates, registers, promotes and deploys. Per size: each stage's
 * seconds (from the run's JSON), the process's wall time and peak RSS, the artifact's size. The
 * plot is rewritten after each size; the folder and the database are removed after each.
 */
async function scale(adminDbUrl, machine) {
  const sizes = [];
  for (const ratings of scaleSizes) {
    const shape = scaleShape(ratings);
    const dir = mkdtempSync(join(tmpdir(), 'movie-reco-scale-'));
    const name = `movie_reco_bench_${process.pid}_scale_${ratings}`;
    let created = false;
    try {
      const dataDir = join(dir, 'data');
      const synthStarted = process.hrtime.bigint();
      const { users, movies } = shape;
      cli([
        'synth',
        '--ratings',
        `${ratings}`,
        '--users',
        `${users}`,
        '--movies',
        `${movies}`,
        '--seed',
        '1',
        '--out',
        dataDir,
      ]);
      const synthSeconds = Number(process.hrtime.bigint() - synthStarted) / 1e9;
      const csvBytes = readdirSync(dataDir).reduce(
        (sum, file) => sum + statSync(join(dataDir, file)).size,
        0,
      );

      await admin(adminDbUrl, `CREATE DATABASE ${name}`);
      created = true;
      const url = Object.assign(new URL(adminDbUrl), { pathname: `/${name}` }).toString();
      // The time index of the ratings file goes to the temp folder, not the project's data cache.
      const env = {
        DATABASE_URL: url,
        MOVIELENS_DIR: dataDir,
        REPLAY_START_YEAR: '2100',
        DATA_CACHE_DIR: join(dir, 'cache'),
      };
      cli(['db', 'migrate'], env);
      const measured = await measuredCli(['pipeline', 'run', '--json'], env, join(dir, 'time.txt'));
      const run = JSON.parse(measured.stdout);
      if (run.status !== 'succeeded')
        throw new Error(`scale ${ratings}: the run ${run.status}: ${run.summary ?? run.error}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const artifact = await client.query(
        'SELECT artifact_bytes AS bytes FROM model_versions ORDER BY id DESC LIMIT 1',
      );
      await client.end();
      const promote = run.stages.find((stage) => stage.name === 'promote');
      const size = {
        ...shape,
        ratingsLoaded: ratingsApplied(run),
        csvMB: Math.round(csvBytes / 2 ** 20),
        synthSeconds: Number(synthSeconds.toFixed(1)),
        stages: Object.fromEntries(run.stages.map((stage) => [stage.name, stage.seconds ?? null])),
        runSeconds: run.seconds,
        wallSeconds: Number(measured.wall.toFixed(1)),
        peakRssMB: measured.peakRssMB,
        artifactMB: Number((Number(artifact.rows[0]?.bytes ?? 0) / 2 ** 20).toFixed(1)),
        modelVersion: promote?.detail?.modelVersion,
        promoted: promote?.detail?.promoted,
      };
      sizes.push(size);
      process.stderr.write(`scale ${JSON.stringify(size)}\n`);
      writeScalePlot(
        SCALE_PLOT,
        sizes.map((s) => ({
          ratings: s.ratings,
          seconds: {
            ...Object.fromEntries(SCALE_PLOTTED.map((stage) => [stage, s.stages[stage]])),
            total: s.wallSeconds,
          },
        })),
        { subtitle: `cli pipeline run on generated MovieLens-shaped data; ${machine}` },
      );
    } finally {
      if (created) await admin(adminDbUrl, `DROP DATABASE ${name} WITH (FORCE)`).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // A markdown table for BENCHMARKS.md (to stderr: stdout stays the results' JSON).
  const stageNames = [...new Set(sizes.flatMap((s) => Object.keys(s.stages)))];
  const count = (x) => (x === null || x === undefined ? '–' : x.toLocaleString('en-US'));
  const tenths = (x) =>
    x === null || x === undefined
      ? '–'
      : x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const header = [
    'ratings',
    'users',
    'movies',
    ...stageNames.map((stage) => `${stage} s`),
    'run s',
    'wall s',
    'peak RSS MB',
    'artifact MB',
  ];
  const lines = [
    header,
    header.map(() => '---'),
    ...sizes.map((s) => [
      ...[s.ratings, s.users, s.movies].map(count),
      ...[...stageNames.map((stage) => s.stages[stage]), s.runSeconds, s.wallSeconds].map(tenths),
      count(s.peakRssMB),
      tenths(s.artifactMB),
    ]),
  ];
  process.stderr.write(`\n${lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n')}\n\n`);
  return { plot: 'bench/scale.svg', sizes };
}

/**
 * The server's resident set now and its peak so far (VmRSS, VmHWM of /proc/PID/status), in MB;
 * nulls once the process is gone.
 */
function rssMB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) =>
      Math.round(Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024);
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return { rss: null, peak: null };
  }
}

/**
 * A CSV upload of bad rows against the server's memory and its answers: the compiled server on
 * ml-latest-small with a `--upload-heap-mb` heap, GET /movies/1 under autocannon (8 connections)
 * idle for `seconds`, then again while `POST /admin/batches` takes `--upload-mb` MB of rows that
 * all fail validation (ratings out of range; the batch is rejected and every row quarantined), from
 * the upload's first byte until its run ends (one load over the whole run). Reports both p50/p99, the server's RSS before and its
 * peak (VmHWM), the run's outcome and seconds.
 */
async function uploads(adminDbUrl) {
  const name = `movie_reco_bench_${process.pid}_uploads`;
  await admin(adminDbUrl, `CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(adminDbUrl), { pathname: `/${name}` }).toString();
  const env = { DATABASE_URL: url, PIPELINE_CRON: 'off', AUTO_INGEST: 'false' };
  cli(['db', 'migrate'], env);
  cli(['ingest', '--all', '--json'], env);
  const client = { id: 'bench', secret: `bench-${process.pid}-${Math.random().toString(36).slice(2)}` };
  const heapMB = Number(args['upload-heap-mb']);
  let server;
  try {
    server = await startServer(
      {
        ...env,
        UPLOAD_MAX_BYTES: String(Number(args['upload-mb']) * 2 ** 20 + 2 ** 20),
        AUTH_CLIENTS: JSON.stringify([{ ...client, scopes: ['data:write', 'pipeline:read'] }]),
        JWT_SECRET: `bench-jwt-${Math.random().toString(36).slice(2)}-${Date.now()}`,
      },
      { nodeArgs: [`--max-old-space-size=${heapMB}`] },
    );
    const { app, base } = server;
    const token = await clientToken(base, client);
    const load = (duration) => autocannon({ url: `${base}/movies/1`, connections: 8, duration });
    const latency = (r) => ({
      requests: r.requests.total,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      maxMs: r.latency.max,
      errors: r.errors + r.non2xx,
    });
    // The event loop's delay over a window: /metrics resets prom-client's histogram at each scrape.
    const eventLoopLag = async () => {
      const text = await (await fetch(`${base}/metrics`)).text().catch(() => '');
      const value = (name) =>
        Number(new RegExp(`^\\w*nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]);
      return { p99ms: Math.round(value('p99') * 1000), maxMs: Math.round(value('max') * 1000) };
    };
    await eventLoopLag();
    const idle = latency(await load(seconds));
    const idleLag = await eventLoopLag().catch(() => null);
    const before = rssMB(app.pid);

    // Every row fails the rating check; user and movie ids vary as in a real file.
    const rows = [];
    let bytes = 0;
    const target = Number(args['upload-mb']) * 2 ** 20;
    for (let i = 0; bytes < target; i++) {
      const row = `${1 + (i % 90_000)},${1 + ((i * 7) % 190_000)},9.5,${1500000000 + i}\n`;
      rows.push(row);
      bytes += row.length;
    }
    const body = Buffer.from(`userId,movieId,rating,timestamp\n${rows.join('')}`);
    rows.length = 0;

    await eventLoopLag();
    let peakSampled = before.rss;
    let peakSeen = before.peak;
    const sampler = setInterval(() => {
      const now = rssMB(app.pid);
      if (now.rss !== null) peakSampled = Math.max(peakSampled, now.rss);
      if (now.peak !== null) peakSeen = Math.max(peakSeen, now.peak);
    }, 100);
    const started = performance.now();
    const runDone = (async () => {
      const response = await fetch(`${base}/admin/batches?name=bad-rows.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
      if (response.status !== 202)
        throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      const { runId } = await response.json();
      return until(
        `run ${runId}`,
        async () => {
          const run = await (
            await fetch(`${base}/admin/pipeline/runs/${runId}`, {
              headers: { authorization: `Bearer ${token}` },
            })
          ).json();
          return run.status === 'running' ? undefined : run;
        },
        { everyMs: 250, timeoutMs: 600_000 },
      );
    })();
    // One load of /movies/1 from the upload's first byte until its run has ended.
    let loadDone;
    const loaded = new Promise((resolve) => (loadDone = resolve));
    const loader = autocannon({ url: `${base}/movies/1`, connections: 8, duration: 3600 }, (error, result) =>
      loadDone(error ? null : result),
    );
    await runDone.catch(() => undefined);
    loader.stop();
    const duringLoad = await loaded;
    // A server killed by the upload (out of memory) has no run to show: say so.
    const run = await runDone.catch((error) => ({
      status: app.exitCode === null ? 'unknown' : `server exited (${app.exitCode ?? app.signalCode})`,
      error: error.message,
      batchId: null,
      stages: [],
    }));
    const runSeconds = (performance.now() - started) / 1000;
    const lag = await eventLoopLag().catch(() => null);
    clearInterval(sampler);
    const after = rssMB(app.pid);
    const merged = duringLoad && latency(duringLoad);
    return {
      uploadMB: Number((body.length / 2 ** 20).toFixed(1)),
      badRows: Number(run.stages?.[0]?.rows ?? 0),
      heapLimitMB: heapMB,
      run: {
        status: run.status,
        error: run.error,
        batchId: run.batchId,
        seconds: Number(runSeconds.toFixed(1)),
        stageSeconds: Object.fromEntries(run.stages.filter((s) => s.seconds).map((s) => [s.name, s.seconds])),
      },
      rssBeforeMB: before.rss,
      rssPeakSampledMB: peakSampled,
      rssPeakMB: after.peak ?? peakSeen,
      serverAlive: await sleep(1000).then(() => app.exitCode === null && app.signalCode === null),
      serverEventLoopLagIdle: idleLag,
      serverEventLoopLagDuringUpload: lag,
      movies1Idle: idle,
      movies1DuringUpload: merged,
    };
  } finally {
    await server?.stop();
    await admin(adminDbUrl, `DROP DATABASE ${name} WITH (FORCE)`);
  }
}

/**
 * The public routes of issue 13 point 5 and their goals (requests per second; p99 ≤ 10 ms on every
 * one); the genre page has no goal and stays for comparison with earlier figures.
 */
const PUBLIC_ROUTES = [
  { name: 'GET /movies/1/similar', path: '/movies/1/similar', goal: 15_000 },
  { name: 'GET /users/1/recommendations', path: '/users/1/recommendations', goal: 12_000 },
  {
    name: 'POST /users/recommendations',
    path: '/users/recommendations',
    method: 'POST',
    body: JSON.stringify({ action: 5, sci_fi: 4 }),
    goal: 10_000,
  },
  { name: 'GET /movies?search=toy', path: '/movies?search=toy', goal: 8_000 },
  { name: 'GET /movies/1', path: '/movies/1', goal: 12_000 },
  { name: 'GET /status', path: '/status', goal: 10_000 },
  {
    name: 'GET /movies?genre=comedy&sort=popularity&page=3',
    path: '/movies?genre=comedy&sort=popularity&page=3',
  },
];
const P99_GOAL_MS = 10;
const ROUTE_THREADS = 2;
const ROUTE_CONNECTIONS = 32;
const ROUTE_WARMUP_SECONDS = 3;

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

/** wrk's duration (`812.00us`, `1.21ms`, `2.00s`, `1.00m`) in milliseconds. */
function wrkMs(value, unit) {
  return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
}

/** Parses `wrk --latency` output: requests per second, p50/p99 in ms, non-2xx answers, socket errors. */
function parseWrk(output) {
  const field = (re) => {
    const match = re.exec(output);
    if (!match) throw new Error(`wrk output without ${re}:\n${output}`);
    return match;
  };
  const percentile = (p) => {
    const [, value, unit] = field(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'));
    return Number(wrkMs(value, unit).toFixed(2));
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Math.round(Number(field(/^Requests\/sec:\s+([\d.]+)/m)[1])),
    requests: Number(field(/^\s*(\d+) requests in /m)[1]),
    p50ms: percentile(50),
    p99ms: percentile(99),
    // wrk counts answers of 400 and above here (it names them "Non-2xx or 3xx").
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** One load of `route` for `duration` seconds with wrk (a Lua script for a POST), else autocannon. */
async function loadRoute(base, route, duration) {
  const url = `${base}${route.path}`;
  if (!hasWrk) {
    const r = await autocannon({
      url,
      connections: ROUTE_CONNECTIONS,
      duration,
      method: route.method ?? 'GET',
      ...(route.body ? { body: route.body, headers: { 'content-type': 'application/json' } } : {}),
    });
    return {
      requestsPerSecond: Math.round(r.requests.average),
      requests: r.requests.total,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      non2xx: r.non2xx,
      socketErrors: r.errors,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'movie-reco-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    if (route.lua) writeFileSync(script, route.lua);
    else if (route.body) {
      writeFileSync(
        script,
        `wrk.method = "${route.method}"\nwrk.body = '${route.body}'\nwrk.headers["Content-Type"] = "application/json"\n`,
      );
    }
    const { stdout } = await execFileAsync('wrk', [
      `-t${ROUTE_THREADS}`,
      `-c${ROUTE_CONNECTIONS}`,
      `-d${duration}s`,
      '--latency',
      ...(route.body || route.lua ? ['-s', script] : []),
      url,
    ]);
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Routes: the public routes' throughput as issue 13 point 5 measures it. On the ingest section's
 * database (all of `MOVIELENS_DIR`), `pipeline run` trains the first model; the server then runs
 * with RATE_LIMIT_PER_MINUTE=0 and its default LOG_LEVEL (info: one access line per request, as
 * deployed) unless LOG_LEVEL is set. Per route: a warm-up, then `wrk -t2 -c32 -d<seconds>s
 * --latency` (autocannon with 32 connections when wrk is missing), once per run; the median run
 * counts. Prints a table with each goal met or missed on stderr.
 */
async function routes(dbUrl) {
  const env = { DATABASE_URL: dbUrl, AUTO_INGEST: 'false', PIPELINE_CRON: 'off' };
  const setup = JSON.parse(cli(['pipeline', 'run', '--json'], env));
  const train = setup.stages.find((stage) => stage.name === 'train');
  if (setup.status !== 'succeeded' || train?.status !== 'succeeded')
    throw new Error(`the setup run did not train a model: ${setup.summary ?? setup.error}`);
  const tool = hasWrk
    ? `wrk -t${ROUTE_THREADS} -c${ROUTE_CONNECTIONS} -d${seconds}s --latency`
    : `autocannon -c ${ROUTE_CONNECTIONS} -d ${seconds} (wrk not found on PATH)`;
  if (!hasWrk) process.stderr.write('routes: wrk not found on PATH; measuring with autocannon instead\n');
  const server = await startServer({
    ...env,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  });
  try {
    // The model is loaded after the server answers /status; measuring before would count 503s.
    await until('the server to serve the trained model', async () =>
      (await fetch(`${server.base}/movies/1/similar`).catch(() => ({ ok: false }))).ok ? true : undefined,
    );
    const measured = [];
    for (const route of PUBLIC_ROUTES) {
      const windows = [];
      for (let run = 0; run < runs; run++) {
        await loadRoute(server.base, route, ROUTE_WARMUP_SECONDS);
        windows.push({ ...(await loadRoute(server.base, route, seconds)), load1: loadavg()[0] });
        // A server that died under load would leave only refused connections to count.
        if (server.app.exitCode !== null || server.app.signalCode !== null)
          throw new Error(
            `the server exited (${server.app.exitCode ?? server.app.signalCode}) under ${route.name}`,
          );
      }
      const middle = [...windows].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[
        Math.floor(windows.length / 2)
      ];
      const goal =
        route.goal === undefined ? undefined : { requestsPerSecond: route.goal, p99ms: P99_GOAL_MS };
      const met = goal && middle.requestsPerSecond >= goal.requestsPerSecond && middle.p99ms <= goal.p99ms;
      measured.push({ route: route.name, ...middle, goal, met, windows });
      process.stderr.write(
        `routes ${route.name}: ${middle.requestsPerSecond} req/s, p99 ${middle.p99ms} ms, non-2xx ${middle.non2xx}\n`,
      );
    }
    process.stderr.write(`\n${routesTable(measured, tool)}\n\n`);
    return {
      tool,
      warmupSeconds: ROUTE_WARMUP_SECONDS,
      model: { trainSeconds: train.seconds },
      routes: measured,
    };
  } catch (error) {
    throw withServerErr(error, server);
  } finally {
    await server.stop();
  }
}

/** Users' lists of ml-latest-small's users (1–610) at random: one recorded list per request. */
const IMPRESSION_ROUTE = {
  name: 'GET /users/:id/recommendations',
  path: '/users/1/recommendations',
  lua: 'request = function()\n  return wrk.format(nil, "/users/" .. math.random(1, 610) .. "/recommendations")\nend\n',
};

/**
 * Impressions: the throughput of GET /users/:id/recommendations (a random user of 1–610 per request
 * with wrk; user 1 with autocannon) with every list recorded (IMPRESSIONS=true, the default) and with
 * recording off (IMPRESSIONS=false): the same build and database, one server each (as the routes
 * section runs it), a 3 s warm-up, then one window of <seconds>. Reports the rows the "on" server
 * wrote (counted in `impressions` after its shutdown) next to the lists it answered, and the
 * impressions it dropped. Goal: on ≥ 80 % of off.
 */
/**
 * Token crowd: a server with one client "ops" whose secret is a scrypt hash (as production keeps
 * it), a trained model (readiness), TRUST_PROXY=true so X-Forwarded-For names the 24 addresses,
 * no general limit; GET /movies/1 measured as the routes section does, alone and under each attack
 * (bench/token-crowd.mjs).
 */
async function tokenCrowdSection(dbUrl) {
  const env = { DATABASE_URL: dbUrl, AUTO_INGEST: 'false', PIPELINE_CRON: 'off' };
  const setup = JSON.parse(cli(['pipeline', 'run', '--json'], env));
  if (setup.status !== 'succeeded') throw new Error(`the setup run failed: ${setup.summary ?? setup.error}`);
  const { hash } = JSON.parse(cli(['auth', 'hash-secret', '--generate'], {}));
  const server = await startServer({
    ...env,
    AUTH_CLIENTS: JSON.stringify([{ id: 'ops', secret: hash, scopes: ['pipeline:read'] }]),
    JWT_SECRET: randomBytes(48).toString('base64'),
    TRUST_PROXY: 'true',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  });
  try {
    const route = { name: 'GET /movies/:id', path: '/movies/1' };
    await loadRoute(server.base, route, ROUTE_WARMUP_SECONDS);
    const windows = await tokenCrowd(
      server.base,
      (duration) => loadRoute(server.base, route, duration),
      seconds,
    );
    const listed = Object.entries(windows).flatMap(([name, w]) =>
      Array.isArray(w) ? w.map((one) => [name, one]) : [[name, w]],
    );
    for (const [name, window] of listed) {
      process.stderr.write(
        `token-crowd ${name}: /movies/1 ${window.requestsPerSecond} req/s, p99 ${window.p99ms} ms` +
          (window.shareOfAlone === undefined
            ? ''
            : ` (${Math.round(window.shareOfAlone * 100)} % of the windows around it)`) +
          (window.tokenRequests ? `; token requests ${JSON.stringify(window.tokenRequests)}` : '') +
          '\n',
      );
    }
    return { tool: hasWrk ? 'wrk' : 'autocannon', connections: ROUTE_CONNECTIONS, seconds, ...windows };
  } catch (error) {
    throw withServerErr(error, server);
  } finally {
    await server.stop();
  }
}

/** A no-database bench script (bench/linalg.mjs, bench/gram.mjs) in its own process; its table on stdout. */
function scriptSection(script, scriptArgs) {
  const out = execFileSync(process.execPath, [script, ...scriptArgs, '--runs', String(runs)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stderr.write(out);
  return { tables: out };
}

/** bench/fold-in.mjs in its own process (its heap measures need --expose-gc); its tables on stdout. */
function foldInSection() {
  const out = execFileSync(process.execPath, ['--expose-gc', 'bench/fold-in.mjs'], {
    encoding: 'utf8',
    env: { ...process.env, MOVIELENS_DIR: movielensDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stderr.write(out);
  return { tables: out };
}

async function impressionsSection(dbUrl) {
  const env = { DATABASE_URL: dbUrl, AUTO_INGEST: 'false', PIPELINE_CRON: 'off' };
  cli(['pipeline', 'run', '--json'], env);
  if (!JSON.parse(cli(['models', 'list', '--json'], env)).items.some((v) => v.stage === 'production'))
    throw new Error('impressions: no model in production after `pipeline run`');
  const rows = async () => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      const {
        rows: [row],
      } = await client.query(
        `SELECT count(*)::int AS n, pg_total_relation_size('impressions')::bigint AS bytes FROM impressions`,
      );
      return { rows: row.n, bytes: Number(row.bytes) };
    } finally {
      await client.end();
    }
  };
  const measured = {};
  for (const recording of ['false', 'true']) {
    const before = await rows();
    const server = await startServer({
      ...env,
      IMPRESSIONS: recording,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    });
    let warmup;
    let window;
    let dropped;
    try {
      await until('the server to serve the trained model', async () =>
        (await fetch(`${server.base}/users/1/recommendations`).catch(() => ({ ok: false }))).ok
          ? true
          : undefined,
      );
      warmup = await loadRoute(server.base, IMPRESSION_ROUTE, ROUTE_WARMUP_SECONDS);
      window = await loadRoute(server.base, IMPRESSION_ROUTE, seconds);
      const metrics = await (await fetch(`${server.base}/metrics`)).text();
      dropped = [...metrics.matchAll(/^movie_reco_impressions_dropped_total\{[^}]*\} (\d+)$/gm)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      );
    } catch (error) {
      throw withServerErr(error, server);
    } finally {
      await server.stop();
    }
    const after = await rows();
    const answered = warmup.requests + window.requests - warmup.non2xx - window.non2xx;
    measured[recording === 'true' ? 'on' : 'off'] = {
      ...window,
      // wrk's count, plus the probe that waited for the model; the requests in flight when a window
      // ended are answered (and recorded) but not counted: up to 2 × 32 more rows.
      listsAnswered: answered + 1,
      rowsWritten: after.rows - before.rows,
      dropped,
      tableBytes: after.bytes,
    };
    process.stderr.write(
      `impressions ${recording === 'true' ? 'on' : 'off'}: ${window.requestsPerSecond} req/s, p99 ${window.p99ms} ms, ` +
        `${after.rows - before.rows} rows written of ${answered + 1} lists, ${dropped} dropped\n`,
    );
  }
  const ratio = measured.on.requestsPerSecond / measured.off.requestsPerSecond;
  const bytesPerRow =
    measured.on.rowsWritten > 0 ? Math.round(measured.on.tableBytes / (await rows()).rows) : null;
  process.stderr.write(
    `impressions: on/off = ${(ratio * 100).toFixed(1)} % (goal ≥ 80 %), ${bytesPerRow} bytes a row with indexes\n`,
  );
  return {
    tool: hasWrk
      ? `wrk -t${ROUTE_THREADS} -c${ROUTE_CONNECTIONS} -d${seconds}s --latency, random users 1–610`
      : `autocannon -c ${ROUTE_CONNECTIONS} -d ${seconds}, user 1`,
    ...measured,
    onOverOff: Number(ratio.toFixed(3)),
    goalMet: ratio >= 0.8,
    bytesPerRow,
  };
}

/** The routes' figures against issue 13's goals as a markdown table. */
function routesTable(measured, tool) {
  const count = (x) => x.toLocaleString('en-US');
  const lines = [
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'socket errors', 'goal (issue 13 point 5)', 'goal'],
    Array(8).fill('---'),
    ...measured.map((m) => [
      `\`${m.route}\``,
      count(m.requestsPerSecond),
      m.p50ms,
      m.p99ms,
      count(m.non2xx),
      count(m.socketErrors),
      m.goal ? `≥ ${count(m.goal.requestsPerSecond)} req/s, p99 ≤ ${m.goal.p99ms} ms` : '–',
      m.goal ? (m.met ? 'met' : 'missed') : '–',
    ]),
  ];
  return `${tool}, after a ${ROUTE_WARMUP_SECONDS} s warm-up per route:\n${lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n')}`;
}

const server = [...only].every((name) => NO_DATABASE.includes(name))
  ? { url: undefined, stop: async () => undefined }
  : await adminUrl();
const results = {
  machine: `${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
};
let loadedDbUrl;
try {
  // 1. Ingest: a fresh database per run, `ingest --all` into it. The routes and impressions sections
  // need one loaded database, so with --only routes (or impressions) a single run loads it.
  const ingest = [];
  const ingestRuns = only.has('ingest')
    ? runs
    : only.has('routes') || only.has('impressions') || only.has('token-crowd')
      ? 1
      : 0;
  for (let run = 0; run < ingestRuns; run++) {
    const name = `movie_reco_bench_${process.pid}_${run}`;
    await admin(server.url, `CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(server.url), { pathname: `/${name}` }).toString();
    cli(['db', 'migrate'], { DATABASE_URL: url });
    const started = process.hrtime.bigint();
    const result = JSON.parse(cli(['ingest', '--all', '--json'], { DATABASE_URL: url }));
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    ingest.push({ ...result, wall });
    if (run === ingestRuns - 1) loadedDbUrl = url;
    else await admin(server.url, `DROP DATABASE ${name} WITH (FORCE)`);
  }
  if (only.has('ingest'))
    results.ingest = {
      dataset: movielensDir,
      ratings: ratingsApplied(ingest[0]),
      // The pipeline run: ingest, validate, drift and transform, committed.
      loadSeconds: ingest.map((r) => r.seconds),
      cliWallSeconds: ingest.map((r) => Number(r.wall.toFixed(2))),
      ratingsPerSecond: Math.round(ratingsApplied(ingest[0]) / median(ingest.map((r) => r.seconds))),
    };

  // 2. Replay: a fresh database, `ingest --next` until the source is exhausted.
  if (only.has('replay')) {
    const name = `movie_reco_bench_${process.pid}_replay`;
    await admin(server.url, `CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(server.url), { pathname: `/${name}` }).toString();
    cli(['db', 'migrate'], { DATABASE_URL: url });
    const runs = [];
    for (let step = 0; step < 100; step++) {
      const run = JSON.parse(cli(['ingest', '--next', '--json'], { DATABASE_URL: url }));
      if (run.summary.startsWith('no new data')) break;
      runs.push(run);
    }
    await admin(server.url, `DROP DATABASE ${name} WITH (FORCE)`);
    results.replay = {
      batches: runs.length,
      ratings: runs.reduce((sum, run) => sum + ratingsApplied(run), 0),
      medianRunSeconds: median(runs.map((run) => run.seconds)),
      slowestRunSeconds: Math.max(...runs.map((run) => run.seconds)),
    };
  }

  // 3. Routes: the public routes' throughput (wrk, else autocannon) on the loaded database.
  if (only.has('routes')) results.routes = await routes(loadedDbUrl);

  // 4. Serving: recommendations from memory, idle and while a model trains in the server's worker.
  if (only.has('serving')) results.serving = await serving(server.url);

  // 5. Scale (only with --only scale): one pipeline run per generated dataset size.
  if (only.has('scale')) results.scale = await scale(server.url, results.machine);

  // 6. Uploads (only with --only uploads): a large file of bad rows against memory and latency.
  if (only.has('uploads')) results.uploads = await uploads(server.url);

  // 7. Impressions (only with --only impressions): a user's list with recording on and off.
  if (only.has('impressions')) results.impressions = await impressionsSection(loadedDbUrl);

  // 8. Fold-in (only with --only fold-in): a list's cost by ratings since training, in one process.
  if (only.has('fold-in')) results.foldIn = foldInSection();

  // 9. Token crowd (only with --only token-crowd): GET /movies/1 while 24 addresses guess secrets.
  if (only.has('token-crowd')) results.tokenCrowd = await tokenCrowdSection(loadedDbUrl);

  // 10. Linalg (only with --only linalg): the EASE fit's SPD inverse on each backend, in one process.
  if (only.has('linalg'))
    results.linalg = scriptSection('bench/linalg.mjs', ['--sizes', args['linalg-sizes']]);
  if (only.has('gram')) results.gram = scriptSection('bench/gram.mjs', ['--ratings', args['gram-ratings']]);
} finally {
  // The loaded database outlives the ingest loop for the routes section; a DATABASE_URL server keeps it otherwise.
  if (loadedDbUrl)
    await admin(server.url, `DROP DATABASE ${new URL(loadedDbUrl).pathname.slice(1)} WITH (FORCE)`).catch(
      () => undefined,
    );
  await server.stop();
}
console.log(JSON.stringify(results, null, 2));
