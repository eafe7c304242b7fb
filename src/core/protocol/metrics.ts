/**
 * Top-k ranking metrics of the offline evaluation protocol (DESIGN.md), per user and averaged.
 * Binary relevance: an item is relevant or not; the ids are opaque (movieIds or indices alike).
 */

export interface UserMetrics {
  /** hits / k */
  precision: number;
  /** hits / min(k, #relevant) */
  recall: number;
  /** DCG / ideal DCG, binary gains, log2(rank + 1) discount, ideal over min(k, #relevant) ranks */
  ndcg: number;
  /** 1 when at least one of the top k is relevant, else 0 */
  hitRate: number;
  /** average precision at k: Σ precision@rank over the hit ranks, / min(k, #relevant) */
  averagePrecision: number;
}

/**
 * The metrics of one user's list: only the first `k` of `recommended` count (a shorter list is
 * not padded with hits: precision still divides by k). `relevant` must not be empty.
 */
export function userMetrics(
  recommended: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
): UserMetrics {
  if (relevant.size === 0) throw new Error('userMetrics: a user with no relevant item is not evaluated');
  if (!Number.isInteger(k) || k < 1) throw new Error(`userMetrics: k must be a positive integer, got ${k}`);
  const ideal = Math.min(k, relevant.size);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < Math.min(k, recommended.length); i++) {
    const item = recommended[i]!;
    // A repeated item is no second hit.
    if (seen.has(item)) continue;
    seen.add(item);
    if (!relevant.has(item)) continue;
    hits++;
    dcg += 1 / Math.log2(i + 2);
    precisionSum += hits / (i + 1);
  }
  let idealDcg = 0;
  for (let i = 0; i < ideal; i++) idealDcg += 1 / Math.log2(i + 2);
  return {
    precision: hits / k,
    recall: hits / ideal,
    ndcg: dcg / idealDcg,
    hitRate: hits > 0 ? 1 : 0,
    averagePrecision: precisionSum / ideal,
  };
}

export interface MetricsSummary {
  precision: number;
  recall: number;
  ndcg: number;
  /** Standard error of the mean NDCG: sample standard deviation / √users (0 with one user). */
  ndcgStandardError: number;
  hitRate: number;
  /** Mean average precision at k. */
  map: number;
  /** Distinct recommended items / items that could be recommended (the train items). */
  coverage: number;
  /** Users evaluated (the means are over them). */
  users: number;
}

/** Averages per-user metrics; all zeros (and users 0) when nobody was evaluated. */
export function summarize(
  perUser: readonly UserMetrics[],
  distinctRecommended: number,
  catalogSize: number,
): MetricsSummary {
  const n = perUser.length;
  const mean = (pick: (m: UserMetrics) => number) =>
    n === 0 ? 0 : perUser.reduce((sum, m) => sum + pick(m), 0) / n;
  const ndcg = mean((m) => m.ndcg);
  const variance = n < 2 ? 0 : perUser.reduce((sum, m) => sum + (m.ndcg - ndcg) ** 2, 0) / (n - 1);
  return {
    precision: mean((m) => m.precision),
    recall: mean((m) => m.recall),
    ndcg,
    ndcgStandardError: n < 2 ? 0 : Math.sqrt(variance / n),
    hitRate: mean((m) => m.hitRate),
    map: mean((m) => m.averagePrecision),
    coverage: catalogSize === 0 ? 0 : distinctRecommended / catalogSize,
    users: n,
  };
}
