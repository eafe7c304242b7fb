// Benchmarks: bulk ingest of a MovieLens folder, the period-by-period replay, catalog HTTP throughput.
// Usage: npm run bench [-- --runs 3 --seconds 10]   (MOVIELENS_DIR: the dataset; DATABASE_URL: a
// server to create scratch databases on, else an embedded PostgreSQL in a temp folder)
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' } },
});
const runs = Number(args.runs);
const seconds = Number(args.seconds);
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

const server = await adminUrl();
const results = {
  machine: `${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
};
let loadedDbUrl;
try {
  // 1. Ingest: a fresh database per run, `ingest --all` into it.
  const ingest = [];
  for (let run = 0; run < runs; run++) {
    const name = `movie_reco_bench_${process.pid}_${run}`;
    await admin(server.url, `CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(server.url), { pathname: `/${name}` }).toString();
    cli(['db', 'migrate'], { DATABASE_URL: url });
    const started = process.hrtime.bigint();
    const result = JSON.parse(cli(['ingest', '--all', '--json'], { DATABASE_URL: url }));
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    ingest.push({ ...result, wall });
    if (run === runs - 1) loadedDbUrl = url;
    else await admin(server.url, `DROP DATABASE ${name} WITH (FORCE)`);
  }
  results.ingest = {
    dataset: movielensDir,
    ratings: ratingsApplied(ingest[0]),
    // The pipeline run: ingest, validate, drift and transform, committed.
    loadSeconds: ingest.map((r) => r.seconds),
    cliWallSeconds: ingest.map((r) => Number(r.wall.toFixed(2))),
    ratingsPerSecond: Math.round(ratingsApplied(ingest[0]) / median(ingest.map((r) => r.seconds))),
  };

  // 2. Replay: a fresh database, `ingest --next` until the source is exhausted.
  {
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

  // 3. HTTP: the server on the loaded database, autocannon on loopback.
  const port = 18000 + Math.floor(Math.random() * 1000);
  const app = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: loadedDbUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      AUTO_INGEST: 'false',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/status`).catch(() => ({ ok: false }))).ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  results.http = [];
  for (const path of [
    '/movies/1',
    '/movies?search=toy',
    '/movies?genre=comedy&sort=popularity&page=3',
    '/status',
  ]) {
    const r = await autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      connections: 32,
      duration: seconds,
    });
    results.http.push({
      path,
      requestsPerSecond: Math.round(r.requests.average),
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      errors: r.errors + r.non2xx,
    });
  }
  app.kill('SIGTERM');
} finally {
  await server.stop();
}
console.log(JSON.stringify(results, null, 2));
