// Fold-in in one process, free of the server: the latency of a user's list (ServingModel.forUser,
// the request path's whole work) by how many ratings the user sent since training, and the memory
// of the ratings held since training (RatedSince) at 100,000 and 1,000,000, with the cap.
// Usage: npm run build && node bench/fold-in.mjs   (MOVIELENS_DIR: the dataset, default ml-latest-small)
import { performance } from 'node:perf_hooks';

const dir = process.env.MOVIELENS_DIR ?? '../shared/data/movielens/ml-latest-small';
const { loadMovieLensFolder } = await import('../dist/src/evaluation/movielens-folder.js');
const { buildInteractions, fitBundle, RatedSince, ServingModel } = await import('../dist/src/core/index.js');

const folder = await loadMovieLensFolder(dir);
const data = buildInteractions(folder.ratings, folder.movies);
let started = performance.now();
const bundle = fitBundle(data, {});
console.log(
  `fitted the bundle on ${folder.ratings.length} ratings in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const catalog = new Map(
  folder.movies.map((movie) => [movie.id, { title: movie.title, genres: movie.genres }]),
);
const model = new ServingModel(1, bundle, catalog, { sessionSeconds: 1800, foldIn: true });

/** A user's ratings since training: `n` of the most rated movies they did not rate, 4.5 each, a minute apart. */
function sinceOf(userId, n, now) {
  const rated = new Set(folder.ratings.filter((r) => r.userId === userId).map((r) => r.movieId));
  const movies = [...bundle.itemIds].filter((id) => !rated.has(id)).slice(0, n);
  return {
    movies,
    ratings: movies.map((_, i) => (i % 5 === 4 ? 1 : 4.5)),
    times: movies.map((_, i) => now - (n - i) * 60),
  };
}

function latency(label, userId, n, inSession) {
  const now = Date.now() / 1000;
  const since = n === 0 ? undefined : sinceOf(userId, n, inSession ? now : now - 86_400);
  for (let i = 0; i < 200; i++) model.forUser(userId, 10, undefined, since, now);
  const times = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    model.forUser(userId, 10, undefined, since, now);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  const path = model.forUser(userId, 10, undefined, since, now).path;
  console.log(`| ${label} | ${n} | ${path} | ${at(0.5)} | ${at(0.99)} | ${at(1)} |`);
}

const counts = new Map();
for (const r of folder.ratings) counts.set(r.userId, (counts.get(r.userId) ?? 0) + 1);
const heavy = [...counts].sort((a, b) => b[1] - a[1])[0];
const median = [...counts].sort((a, b) => a[1] - b[1])[Math.floor(counts.size / 2)];
console.log(
  '\n| user | ratings since | path | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- |',
);
latency(`known, ${median[1]} in training`, median[0], 0, false);
latency(`known, ${median[1]} in training`, median[0], 50, false);
latency(`known, ${median[1]} in training`, median[0], 50, true);
latency(`known, ${heavy[1]} in training`, heavy[0], 50, true);
latency('new', 99_999_999, 50, true);
latency('new', 99_999_999, 500, true);

function heapAfter(build) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const kept = build();
  globalThis.gc?.();
  const after = process.memoryUsage();
  return { kept, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss };
}
console.log('\n| ratings held | users | heap MB | RSS MB | dropped |\n| --- | --- | --- | --- | --- |');
for (const [ratings, perUser, cap] of [
  [100_000, 10, 1_000_000],
  [1_000_000, 10, 1_000_000],
  [1_500_000, 10, 1_000_000],
]) {
  const { kept, heap, rss } = heapAfter(() => {
    const since = new RatedSince({ maxRatings: cap, maxPerUser: 500 });
    for (let i = 0; i < ratings; i++) since.add(1 + Math.floor(i / perUser), 1 + (i % 9000), 4, 1e9 + i);
    return since;
  });
  console.log(
    `| ${kept.size} of ${ratings} sent (cap ${cap}) | ${kept.users} | ${(heap / 2 ** 20).toFixed(1)} | ${(rss / 2 ** 20).toFixed(1)} | ${kept.dropped} |`,
  );
}
