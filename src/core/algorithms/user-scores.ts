import type { InteractionData } from '../model.js';
import { type DenseWorkspace, denseWorkspace, type RowScorer } from './linalg.js';
import { buildTopListCache, type Ranked, type TopListCache } from './top-list-cache.js';

/** Users scored per call of the kernels: enough to pay for a call, few enough to stay in cache. */
const BLOCK_USERS = 64;
/** Entries per block unless one user has more. */
const BLOCK_ENTRIES = 1 << 16;

/** Each user's entries with a column (CSR by user): their columns, and weights when not all 1. */
export interface UserRows {
  ptr: Int32Array;
  cols: Int32Array;
  weights: Float32Array | null;
  /** The most entries of one user. */
  longest: number;
}

/** The rows of x (users × kept columns) an EASE fit scores; `weights` empty when every weight is 1. */
export function userRows(
  data: Pick<InteractionData, 'numUsers' | 'userPtr' | 'userItems'>,
  itemCol: Int32Array,
  weights: Float32Array,
): UserRows {
  const { numUsers, userPtr, userItems } = data;
  const ptr = new Int32Array(numUsers + 1);
  let kept = 0;
  for (let e = 0; e < userPtr[numUsers]!; e++) if (itemCol[userItems[e]!]! >= 0) kept++;
  const cols = new Int32Array(kept);
  const rowWeights = weights.length === 0 ? null : new Float32Array(kept);
  let at = 0;
  let longest = 0;
  for (let u = 0; u < numUsers; u++) {
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      if (c < 0) continue;
      if (rowWeights) rowWeights[at] = weights[e]!;
      cols[at++] = c;
    }
    ptr[u + 1] = at;
    longest = Math.max(longest, at - ptr[u]!);
  }
  return { ptr, cols, weights: rowWeights, longest };
}

/** The dense workspace of an EASE fit over m columns whose scorer takes blocks of `rows`. */
export function easeWorkspace(m: number, rows: UserRows): DenseWorkspace {
  return denseWorkspace(m, BLOCK_USERS, Math.max(BLOCK_ENTRIES, rows.longest));
}

/**
 * x_u·B for the known users of a fit, B (m×m Float32, row-major, over the kept columns) in a
 * RowScorer: the users are scored a block at a time, so ranking every user at fit time runs at the
 * kernels' speed. Each user's row adds weight × row c of B over their entries in order: the same
 * sums, bit for bit, as adding the rows one by one.
 */
export class FitUserScores {
  private from = 0;
  private to = 0;
  private block: Float64Array = new Float64Array(0);

  constructor(
    private readonly m: number,
    private readonly rows: UserRows,
    private readonly scorer: RowScorer,
  ) {}

  /** User u's scores over the m columns: a view valid until the next call (fastest in user order). */
  of(u: number): Float64Array {
    if (u < this.from || u >= this.to) this.scoreBlockFrom(u);
    const at = (u - this.from) * this.m;
    return this.block.subarray(at, at + this.m);
  }

  private scoreBlockFrom(u: number): void {
    const { rows, scorer } = this;
    const numUsers = rows.ptr.length - 1;
    let to = u + 1;
    while (to < numUsers && to - u < scorer.maxUsers && rows.ptr[to + 1]! - rows.ptr[u]! <= scorer.maxEntries)
      to++;
    this.block = scorer.score(rows.ptr.subarray(u), rows.cols, rows.weights, to - u);
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
