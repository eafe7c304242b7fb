import type { InteractionData } from '../model.js';
import { type RowScorer, rowScorer } from './linalg.js';
import { buildTopListCache, type Ranked, type TopListCache } from './top-list-cache.js';

/** Users scored per call of the kernels: enough to pay for a call, few enough to stay in cache. */
const BLOCK_USERS = 64;
/** Entries per block unless one user has more. */
const BLOCK_ENTRIES = 1 << 16;

/**
 * x_u·B for the known users of a fit, with B (m×m Float32, row-major, over kept columns) in a
 * RowScorer's memory: the users are scored a block at a time (rowScorer), so ranking every user at
 * fit time runs at the kernels' speed. Each user's row adds `weights[e]` (1 when empty) × row
 * itemCol[item] of B over their entries e in order, skipping items without a column: the same sums,
 * bit for bit, as adding the rows one by one.
 */
export class FitUserScores {
  readonly scorer: RowScorer;
  private readonly ptr: Int32Array;
  private readonly cols: Int32Array;
  private readonly weights: Float32Array | null;
  private from = 0;
  private to = 0;
  private block: Float64Array = new Float64Array(0);

  /** `b`: the scorer's B, to be filled by the fit before the first `of`. */
  constructor(
    private readonly m: number,
    data: Pick<InteractionData, 'numUsers' | 'userPtr' | 'userItems'>,
    itemCol: Int32Array,
    weights: Float32Array,
  ) {
    const { numUsers, userPtr, userItems } = data;
    // Each user's entries with a column (CSR by user), and their weights when not all 1.
    this.ptr = new Int32Array(numUsers + 1);
    let kept = 0;
    for (let e = 0; e < userPtr[numUsers]!; e++) if (itemCol[userItems[e]!]! >= 0) kept++;
    this.cols = new Int32Array(kept);
    this.weights = weights.length === 0 ? null : new Float32Array(kept);
    let at = 0;
    let longest = 0;
    for (let u = 0; u < numUsers; u++) {
      for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
        const c = itemCol[userItems[e]!]!;
        if (c < 0) continue;
        if (this.weights) this.weights[at] = weights[e]!;
        this.cols[at++] = c;
      }
      this.ptr[u + 1] = at;
      longest = Math.max(longest, at - this.ptr[u]!);
    }
    this.scorer = rowScorer(m, BLOCK_USERS, Math.max(BLOCK_ENTRIES, longest));
  }

  /** B, to be written before the first `of`. */
  get b(): Float32Array {
    return this.scorer.b;
  }

  /** User u's scores over the m columns: a view valid until the next call (fastest in user order). */
  of(u: number): Float64Array {
    if (u < this.from || u >= this.to) this.scoreBlockFrom(u);
    const at = (u - this.from) * this.m;
    return this.block.subarray(at, at + this.m);
  }

  private scoreBlockFrom(u: number): void {
    const { ptr, scorer } = this;
    const numUsers = ptr.length - 1;
    let to = u + 1;
    while (to < numUsers && to - u < scorer.maxUsers && ptr[to + 1]! - ptr[u]! <= scorer.maxEntries) to++;
    this.block = scorer.score(ptr.subarray(u), this.cols, this.weights, to - u);
    [this.from, this.to] = [u, to];
  }
}

/**
 * Every known user's top list (buildTopListCache), with `scores` lent to the model (`lend`) while
 * `rank` runs, and taken back after.
 */
export function rankKnownUsers(
  userPtr: Int32Array,
  size: number,
  fit: { scores: FitUserScores; lend: (scores: FitUserScores | undefined) => void },
  rank: (user: number, k: number) => Ranked,
): TopListCache {
  fit.lend(fit.scores);
  try {
    return buildTopListCache(userPtr, size, rank);
  } finally {
    fit.lend(undefined);
  }
}
