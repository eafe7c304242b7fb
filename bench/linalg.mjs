// The EASE fit's dense SPD inverse alone, in one process, free of the server and the database:
// inverseSpd on each backend (wasm-simd: the WebAssembly SIMD kernels; js: today's code, the
// fallback) on EASE-like Gram matrices (a random binary users × items matrix, popular items skewed,
// + λI) of each order. Wall and CPU seconds (this process's user + system time: on a machine shared
// with other work the CPU time is the steadier figure), the min over --runs; GFLOP/s counts the
// n³ flops (n³/2 multiply-adds) by CPU time; the error is max |Δ| / max |A⁻¹| against the js result.
// Usage: npm run build && node bench/linalg.mjs [--sizes 2000,6000] [--runs 1]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '2000,6000' }, runs: { type: 'string', default: '1' } },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
const { inverseSpd, inverseSpdJs, linalgBackend } = await import('../dist/src/core/index.js');

function easeLikeGram(n, { lambda = 100, perUser = 40, seed = 1 } = {}) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0), s / 4_294_967_296);
  const g = new Float64Array(n * n);
  for (let u = 0; u < 3 * n; u++) {
    const items = new Set();
    for (let k = 0; k < perUser; k++) items.add(Math.floor(random() ** 2 * n));
    for (const a of items) for (const b of items) g[a * n + b] += 1;
  }
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  return g;
}

function timed(invert, matrix, n) {
  let wall = Infinity;
  let cpu = Infinity;
  let result;
  for (let run = 0; run < runs; run++) {
    const a = matrix.slice();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    result = invert(a, n);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const used = process.cpuUsage(cpu0);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { wall, cpu, result };
}

function relativeError(x, ref) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

const backend = linalgBackend();
console.log(
  `inverseSpd backend in use: ${backend.name}${backend.reason ? ` (${backend.reason})` : ''}; ` +
    `min of ${runs} run(s); load average before: ${loadavg()[0].toFixed(1)}`,
);
console.log(
  '\n| n | backend | wall s | CPU s | GFLOP/s (CPU) | max rel. error vs js |\n| --- | --- | --- | --- | --- | --- |',
);
for (const n of sizes) {
  const matrix = easeLikeGram(n);
  const js = timed(inverseSpdJs, matrix, n);
  const measured = [['js', js]];
  if (backend.name === 'wasm-simd') measured.unshift(['wasm-simd', timed(inverseSpd, matrix, n)]);
  for (const [name, m] of measured) {
    const error = name === 'js' ? 0 : relativeError(m.result, js.result);
    const row = { n, backend: name, wall: m.wall, cpu: m.cpu, gflops: n ** 3 / m.cpu / 1e9, error };
    console.log(
      `| ${n} | ${name} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${row.gflops.toFixed(2)} | ${name === 'js' ? '–' : error.toExponential(1)} |`,
    );
  }
}
console.log(`\nload average after: ${loadavg()[0].toFixed(1)}`);
