// The EASE fit's work around its inverse, in one process, free of the server and the database:
// - "one Gram": XᵀX over the most-rated 6,000 (and 10,000) items of a generated MovieLens-shaped
//   interaction matrix (--ratings, default 25M; users = ratings / 154, items = ratings / 416, item
//   popularity long-tailed, user history lengths long-tailed from 20), by easeGram (today's code)
//   and by the loop it replaced (Σ n_u² increments scattered over the m² doubles), checked equal;
// - "top lists": the top 50 of --top-users users (default 10,000) of that matrix through an
//   EASE-like dense B over 6,000 items (x_u·B, seen items skipped): row by row in JS (the fit
//   before) and by FitUserScores on the WebAssembly kernels (the fit now), checked equal.
// Wall seconds, the min over --runs. Usage: npm run build && node bench/gram.mjs [--ratings 25000000 --runs 1]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: '25000000' },
    sizes: { type: 'string', default: '6000,10000' },
    'top-users': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
    'skip-old': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const { easeColumns, easeGram } = await import('../dist/src/core/index.js');
const { itemStats, selectTopK } = await import('../dist/src/core/algorithms/common.js');
const { buildTopListCache } = await import('../dist/src/core/algorithms/top-list-cache.js');
const { easeWorkspace, FitUserScores, userRows } = await import('../dist/src/core/algorithms/user-scores.js');

function generate(ratings, seed = 7) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0), s / 4_294_967_296);
  const numUsers = Math.round(ratings / 154);
  const numItems = Math.round(ratings / 416);
  // history lengths: 20 + a long tail, scaled to the rating count
  const raw = Float64Array.from({ length: numUsers }, () => 1 / (0.02 + random()) ** 1.2);
  const total = raw.reduce((a, b) => a + b, 0);
  const userPtr = new Int32Array(numUsers + 1);
  for (let u = 0; u < numUsers; u++) {
    const n = Math.min(numItems, 20 + Math.floor(((ratings - 20 * numUsers) * raw[u]) / total));
    userPtr[u + 1] = userPtr[u] + n;
  }
  const userItems = new Int32Array(userPtr[numUsers]);
  const mark = new Uint8Array(numItems);
  for (let u = 0; u < numUsers; u++) {
    const a = userPtr[u];
    const z = userPtr[u + 1];
    for (let e = a; e < z; e++) {
      let item;
      do
        item = Math.floor(random() ** 3 * numItems); // popularity long-tailed
      while (mark[item] === 1);
      mark[item] = 1;
      userItems[e] = item;
    }
    const mine = userItems.subarray(a, z).sort();
    for (const item of mine) mark[item] = 0;
  }
  return { numUsers, numItems, userPtr, userItems, userRatings: new Float32Array(userItems.length).fill(4) };
}

/** The Gram loop easeWeights ran before easeGram. */
function scatteredGram(data, itemCol, m) {
  const { numUsers, userPtr, userItems } = data;
  const g = new Float64Array(m * m);
  const rowCols = new Int32Array(m);
  const mark = new Uint8Array(m);
  for (let u = 0; u < numUsers; u++) {
    let len = 0;
    for (let e = userPtr[u]; e < userPtr[u + 1]; e++) {
      const c = itemCol[userItems[e]];
      if (c >= 0 && mark[c] === 0) {
        mark[c] = 1;
        rowCols[len++] = c;
      }
    }
    for (let x = 0; x < len; x++) {
      const rc = rowCols[x] * m;
      for (let y = 0; y < len; y++) g[rc + rowCols[y]] += 1;
    }
    for (let x = 0; x < len; x++) mark[rowCols[x]] = 0;
  }
  return g;
}

function minTime(run) {
  let best = Infinity;
  let result;
  for (let r = 0; r < runs; r++) {
    result = undefined;
    const t0 = performance.now();
    result = run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, result };
}

let t0 = performance.now();
const data = generate(Number(args.ratings));
console.log(
  `generated ${data.userPtr[data.numUsers]} ratings, ${data.numUsers} users, ${data.numItems} items in ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s; min of ${runs} run(s); load average before: ${loadavg()[0].toFixed(1)}`,
);
const { counts } = itemStats(data);
console.log('\n| work | code | wall s |\n| --- | --- | --- |');
for (const m of args.sizes.split(',').map(Number)) {
  const { itemCol, colItem } = easeColumns(counts, { minItemCount: 5, maxItems: m, memoryBudgetMB: 1e9 });
  const now = minTime(() => easeGram(data, itemCol, colItem.length));
  console.log(
    `| one Gram, m = ${colItem.length} | easeGram (lower triangle, row counter) | ${now.seconds.toFixed(2)} |`,
  );
  if (args['skip-old']) continue;
  const old = minTime(() => scatteredGram(data, itemCol, colItem.length));
  const same = old.result.every((x, i) => x === now.result[i]);
  console.log(
    `| one Gram, m = ${colItem.length} | scattered loop (before) | ${old.seconds.toFixed(2)}${same ? '' : ' (DIFFERS)'} |`,
  );
}

// An EASE-like B: small weights, a zero diagonal (its values do not change the work).
const m = 6000;
const { itemCol, colItem } = easeColumns(counts, { minItemCount: 5, maxItems: m, memoryBudgetMB: 1e9 });
const b = new Float32Array(m * m);
let s = 3;
for (let i = 0; i < b.length; i++)
  b[i] = ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32 - 0.5) * 0.01;
for (let c = 0; c < m; c++) b[c * m + c] = 0;
const users = Math.min(Number(args['top-users']), data.numUsers);
const userPtr = data.userPtr.slice(0, users + 1);
const scores = new Float64Array(m);
const skip = new Uint8Array(m);
const none = new Set();
const topLists = minTime(() =>
  buildTopListCache(userPtr, 50, (u, k) => {
    scores.fill(0);
    for (let e = userPtr[u]; e < userPtr[u + 1]; e++) {
      const c = itemCol[data.userItems[e]];
      if (c < 0) continue;
      skip[c] = 1;
      const rc = c * m;
      for (let j = 0; j < m; j++) scores[j] += b[rc + j];
    }
    const top = selectTopK(scores, null, m, k, none, skip);
    skip.fill(0);
    for (let p = 0; p < top.count; p++) top.items[p] = colItem[top.items[p]];
    return top;
  }),
);
console.log(
  `| top lists, ${users} users, cacheSize 50, B of ${m} items | row by row in JS (before) | ${topLists.seconds.toFixed(2)} |`,
);
// The fit's way now: the users' rows times B a block at a time on the kernels (FitUserScores).
const sampled = { numUsers: users, userPtr, userItems: data.userItems };
const rows = userRows(sampled, itemCol, new Float32Array(0));
const workspace = easeWorkspace(m, rows);
workspace.half.set(b);
const blocked = minTime(() => {
  const fitScores = new FitUserScores(m, rows, workspace.scorer());
  return buildTopListCache(userPtr, 50, (u, k) => {
    for (let e = userPtr[u]; e < userPtr[u + 1]; e++)
      if (itemCol[data.userItems[e]] >= 0) skip[itemCol[data.userItems[e]]] = 1;
    const top = selectTopK(fitScores.of(u), null, m, k, none, skip);
    skip.fill(0);
    for (let p = 0; p < top.count; p++) top.items[p] = colItem[top.items[p]];
    return top;
  });
});
const same = blocked.result.items.every((item, i) => item === topLists.result.items[i]);
console.log(
  `| top lists, ${users} users, cacheSize 50, B of ${m} items | FitUserScores, blocks on the kernels | ${blocked.seconds.toFixed(2)}${same ? '' : ' (DIFFERS)'} |`,
);
console.log(`\nload average after: ${loadavg()[0].toFixed(1)}`);
