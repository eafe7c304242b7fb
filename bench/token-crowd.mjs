// The token endpoint as a CPU lever (issue 22 point 4): GET /movies/1 under load alone, then while
// 24 source addresses (X-Forwarded-For, TRUST_PROXY=true) each send 30 wrong client secrets over the
// window — for the known client "ops" (its secret a scrypt hash, as in production), then for
// made-up client ids. Reports the route's req/s and p99 in each window, the share of the first kept
// (goal: >= 70 %), and the token requests' statuses and p99. Run by bench/run.mjs
// (`npm run bench -- --only token-crowd [--seconds 15]`), which hands it a server and a tool.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ADDRESSES = 24;
const ATTEMPTS = 30;

/**
 * One address's attempts, one after another, spread over `seconds` (each no earlier than its turn,
 * the addresses' turns staggered); every answer's status and latency.
 */
async function address(base, n, { network, clientIdOf }, seconds) {
  const answers = [];
  const start = performance.now();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const turn = ((attempt + n / ADDRESSES) * seconds * 1000) / ATTEMPTS;
    const wait = start + turn - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const started = performance.now();
    const response = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': `${network}.${n + 1}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientIdOf(n, attempt),
        client_secret: `wrong-secret-${n}-${attempt}-Q8x2Lm4Vz9`,
      }),
    });
    await response.arrayBuffer();
    answers.push({ status: response.status, ms: performance.now() - started });
  }
  return answers;
}

function summary(answers) {
  const statuses = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    requests: answers.length,
    statuses,
    p50ms: Math.round(ms[Math.floor(ms.length * 0.5)]),
    p99ms: Math.round(ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]),
  };
}

/** The crowd: every address at once, its attempts spread over `seconds`, until each has sent them. */
async function crowd(base, attack, seconds) {
  const started = performance.now();
  const answers = (
    await Promise.all(Array.from({ length: ADDRESSES }, (_, n) => address(base, n, attack, seconds)))
  ).flat();
  return { ...summary(answers), wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}

const ATTACKS = {
  knownClient: { network: '198.51.100', clientIdOf: () => 'ops' },
  unknownClients: {
    network: '203.0.113',
    clientIdOf: (n, attempt) => `guess-${n}-${attempt}-${Math.random().toString(36).slice(2, 8)}`,
  },
};

/** The crowd in a process of its own, so that its requests do not slow the load tool's event loop. */
function crowdProcess(base, name, seconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), base, name, String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`crowd exited ${code}`)),
    );
  });
}

/**
 * `load(seconds)` measures GET /movies/1 for that long ({requestsPerSecond, p99ms, …}); the crowd's
 * 24 × 30 wrong secrets are spread over the same window (48 a second: each address within the
 * per-address limit of 30 a minute, as in the issue), once per attack. Each attack (from addresses
 * of its own, so the first one's bans do not answer for the second) sits between two windows
 * without it: its share is of their mean, so a machine whose load drifts counts less.
 */
export async function tokenCrowd(base, load, seconds) {
  const windows = { alone: [await load(seconds)] };
  for (const name of Object.keys(ATTACKS)) {
    const [during, tokenRequests] = await Promise.all([load(seconds), crowdProcess(base, name, seconds)]);
    windows.alone.push(await load(seconds));
    const around = windows.alone.slice(-2).reduce((sum, w) => sum + w.requestsPerSecond, 0) / 2;
    windows[name] = {
      ...during,
      shareOfAlone: Number((during.requestsPerSecond / around).toFixed(2)),
      tokenRequests,
    };
  }
  return windows;
}

// As a process: `node bench/token-crowd.mjs BASE ATTACK SECONDS` prints the crowd's summary.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [base, name, seconds] = process.argv.slice(2);
  console.log(JSON.stringify(await crowd(base, ATTACKS[name], Number(seconds))));
}
