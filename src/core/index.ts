/**
 * The recommender's core, as the service sees it: the model interface and the interactions it is
 * fitted on, the algorithms, the bundle the service trains and serves, the offline protocol, and
 * the serving model. It imports nothing of the service (no Nest, database, files or settings), so
 * every part is tested and benchmarked alone; the modules around it only load, store and schedule.
 */
export * from './model.js';
export * from './rating-columns.js';
export * from './genres.js';
export * from './interactions.js';
export * from './fold-in.js';
export * from './algorithm-list.js';
export * from './model-bundle.js';
export * from './algorithms/params.js';
export * from './algorithms/ease.js';
export * from './algorithms/ease-seq.js';
export { linalgBackend, type LinalgBackend } from './algorithms/linalg.js';
/** @public bench/linalg.mjs times both backends on the built core. */
export { inverseSpd, inverseSpdJs } from './algorithms/linalg.js';
export * from './algorithms/popularity.js';
export * from './algorithms/blend-weight-search.js';
export * from './protocol/split.js';
export * from './protocol/metrics.js';
export * from './protocol/metric-keys.js';
export * from './protocol/scored-users.js';
export * from './protocol/replay.js';
export * from './evaluate.js';
export * from './replay-rankers.js';
export * from './serving/rated-since.js';
export * from './serving/serving-model.js';
