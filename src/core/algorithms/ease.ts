import type { FoldIn, FoldInRecommender } from '../fold-in.js';
import type { InteractionData, Recommendations } from '../model.js';
import { fillFromOrder, itemStats, newcomerOrder, selectTopK } from './common.js';
import { type DenseWorkspace, denseWorkspace } from './linalg.js';
import { TrainingScores } from './training-scores.js';
import { easeWorkspace, FitUserScores, rankKnownUsers, userRows } from './user-scores.js';
import { FROM_ARTIFACT, modelParams, paramProblems, type ParamRules } from './params.js';
import {
  decodeModel,
  emptyArrays,
  joinChunks,
  modelChunks,
  pickArrays,
  takeArrays,
} from './serialization.js';
import { cacheArrays, emptyCache, recommendFromCache, takeCache } from './top-list-cache.js';

/**
 * Parameters that only act in the fit of EASE (and of ease-seq's EASE part): the size guards and the
 * relative λ. The fit is cubic and B quadratic in m, the items that get a column: the fit works in one
 * m×m Float64 buffer (the Gram, its inverse, then B over half of it, see easeWeights), B is kept (and
 * stored) as m×m Float32, and a Gram the bundle's two EASE fits share in one thread is one more m×m
 * Float64 buffer: 16·m² bytes at most (see easeFitBytes).
 *
 * A model reports (and so stores in its artifact) these only when they were given: a model fitted at
 * their defaults writes the same bytes as before they existed, and an artifact written before them
 * loads and serves as it did.
 */
export interface EaseFitParams {
  /**
   * At most this many items get a column: the most-rated among those with >= minItemCount ratings
   * (ties by item index); the others are only reached through the popularity fill. Default 10,000:
   * at MovieLens 25M's scale on two cores this fits the train stage's time budget and the run's 4 GB
   * (each EASE fit holds 8·m² bytes, the bundle fits two at once); measurements in BENCHMARKS.md.
   * It keeps every item ml-latest-small keeps (3,034–3,650).
   */
  maxItems: number;
  /**
   * The fit is refused before it allocates an m×m buffer when easeFitBytes(m) exceeds this many MiB.
   * Default 6144: a ceiling of about 20,000 columns for whoever raises maxItems, with the rest of a
   * training process beside it (the bundle fits its two EASE models at once, in two threads).
   */
  memoryBudgetMB: number;
  /**
   * When > 0, λ = relativeLambda × the mean diagonal of XᵀX over the kept items (their mean number of
   * users) instead of `lambda`. XᵀX grows with the users while a fixed λ does not, so a λ tuned on
   * small data fades on large data; this one keeps its strength (the same users twice over: twice the
   * λ, the same B). 0 = use `lambda`.
   */
  relativeLambda: number;
}

export const EASE_FIT_DEFAULTS: EaseFitParams = { maxItems: 10_000, memoryBudgetMB: 6144, relativeLambda: 0 };

export const EASE_FIT_RULES: ParamRules<EaseFitParams> = {
  maxItems: { min: 1, integer: true },
  memoryBudgetMB: { min: 0, minExclusive: true },
  relativeLambda: { min: 0 },
};

const BYTES_PER_MB = 1024 * 1024;

/**
 * Peak bytes of an EASE fit over m columns: its m×m Float64 buffer (the Gram, inverted in place, B
 * written over it) and a shared Gram's m×m Float64 copy.
 */
export function easeFitBytes(m: number): number {
  return 2 * 8 * m * m;
}

/** Throws, naming m, the bytes needed, the budget and the parameters to change, when easeFitBytes(m) > budgetBytes. */
export function assertFits(m: number, budgetBytes: number): void {
  const needed = easeFitBytes(m);
  if (needed <= budgetBytes) return;
  const mb = (bytes: number) => (bytes / BYTES_PER_MB).toFixed(1);
  throw new Error(
    `EASE cannot fit ${m} items within its memory budget: it needs ${needed} bytes (${mb(needed)} MB: ` +
      `two ${m}×${m} Float64 buffers), the budget is ${Math.floor(budgetBytes)} bytes ` +
      `(${mb(budgetBytes)} MB); lower maxItems (or raise minItemCount), or raise memoryBudgetMB`,
  );
}

/**
 * The columns of an EASE fit: the items with >= minItemCount interactions, at most the maxItems most
 * counted of them (ties by item index), in item order. Refuses (assertFits) what the budget cannot hold.
 */
export function easeColumns(
  counts: ArrayLike<number>,
  p: Pick<EaseParams, 'minItemCount' | 'maxItems' | 'memoryBudgetMB'>,
): { itemCol: Int32Array; colItem: Int32Array } {
  const numItems = counts.length;
  let kept: number[] = [];
  for (let i = 0; i < numItems; i++) if (counts[i]! >= p.minItemCount) kept.push(i);
  if (kept.length > p.maxItems) {
    kept = kept
      .sort((a, b) => counts[b]! - counts[a]! || a - b)
      .slice(0, p.maxItems)
      .sort((a, b) => a - b);
  }
  assertFits(kept.length, p.memoryBudgetMB * BYTES_PER_MB);
  const colItem = Int32Array.from(kept);
  return { itemCol: itemColumns(colItem, numItems), colItem };
}

export interface EaseParams extends EaseFitParams {
  /** L2 regularisation λ added to the diagonal of XᵀX (when relativeLambda is 0). */
  lambda: number;
  /** Only items with at least this many interactions get a column in B (the fit is cubic in their number). */
  minItemCount: number;
  /**
   * Best items kept per known user at fit time, so most calls only walk a short list (a call that
   * needs more ranks all items). 50 covers the API's default 10 with room for exclusions; each
   * kept item is 8 bytes of artifact per user (65 MB at 162,541 users).
   */
  cacheSize: number;
  /**
   * When > 0, a user's interactions are weighted at scoring time by 0.5^(r / recencyHalfLife), r = 0 for
   * their newest, 1 for the next, … (B itself is learned on the unweighted matrix). 0 = plain EASE.
   */
  recencyHalfLife: number;
}

/** The model's parameters at their defaults (the fit-only ones are EASE_FIT_DEFAULTS). */
export const EASE_DEFAULTS: Omit<EaseParams, keyof EaseFitParams> = {
  lambda: 250,
  minItemCount: 5,
  cacheSize: 50,
  recencyHalfLife: 0,
};

const EASE_RULES: ParamRules<EaseParams> = {
  lambda: { min: 0, minExclusive: true },
  // 0 gives every item a column, even one nobody rated (its row and column of B are then 0).
  minItemCount: { min: 0, integer: true },
  cacheSize: { min: 0, integer: true },
  recencyHalfLife: { min: 0 },
  ...EASE_FIT_RULES,
};

/** What is wrong with `params` (unknown names, wrong types, values out of range); empty when they can be fitted. */
export function easeParamProblems(params: object): string[] {
  return paramProblems(EASE_RULES, params);
}

/** The arrays a fitted model stores, in their serialized order (then its top-list cache). */
const EASE_ARRAYS = {
  /** kept column → item index */
  colItem: 'i32',
  /** m×m row-major: B[c1 * m + c2] = weight from column c1 to column c2. */
  b: 'f32',
  userPtr: 'i32',
  userItems: 'i32',
  /** Scoring weight of each entry of userItems (the recency weight); empty when every weight is 1. */
  userWeights: 'f32',
  order: 'i32',
} as const;

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data").
 *
 * On the binary user × item matrix X restricted to the m items with >= minItemCount interactions (at
 * most maxItems of them, the most counted):
 *   P = (XᵀX + λI)⁻¹,  B = I − P·diag(1/diag(P)), i.e. B[i,j] = −P[i,j] / P[j,j], diag(B) = 0,
 *   score(u) = x_u · B.
 * Fit: Σ_u n_u²/2 additions for the Gram matrix (easeGram), then the SPD inverse (Cholesky, triangular inverse, WᵀW: n³/2
 * multiply-adds in all, see linalg.ts), then one scoring pass over known users to cache their top
 * `cacheSize` unseen items. Memory: two m×m Float64 buffers during fit; B is kept as m×m Float32.
 * recommend(u): walks the cached list (O(cacheSize)); only when `exclude` removes too much of it does it
 * score all m items (O(n_u·m)). Items dropped by minItemCount or maxItems are only reached through the
 * popularity fill, and the user's own training items are never returned. A fit whose m×m buffers exceed
 * memoryBudgetMB is refused before it starts (assertFits).
 *
 * Fit times and sizes are in BENCHMARKS.md, the λ / recency tuning in docs/benchmarks-log.md.
 */

export class EaseRecommender implements FoldInRecommender {
  readonly algorithm = 'ease';
  readonly params: Readonly<Record<string, number | string | boolean>>;
  private readonly p: EaseParams;

  private numItems = 0;
  private numUsers = 0;
  private stored = emptyArrays(EASE_ARRAYS, { userPtr: 1 });
  /** item index → kept column, or -1 */
  private itemCol: Int32Array = new Int32Array(0);
  private cache = emptyCache();

  private scratch: Float64Array = new Float64Array(0);
  private seen: Uint8Array = new Uint8Array(0);
  private colSkip: Uint8Array = new Uint8Array(0);
  /** Flags the items of a fold-in during a call. */
  private inSince: Uint8Array = new Uint8Array(0);
  private trainingScores = new TrainingScores(0);
  /** During the fit's ranking of every user: their scores, a block at a time. */
  private fitScores: FitUserScores | undefined;

  /** Throws when `params` has problems (see easeParamProblems), unless they come from an artifact. */
  constructor(params: Partial<EaseParams> = {}, source?: typeof FROM_ARTIFACT) {
    this.p = modelParams('ease', EASE_RULES, { ...EASE_DEFAULTS, ...EASE_FIT_DEFAULTS }, params, source);
    // the fit-only parameters only when given (see EaseFitParams)
    this.params = { ...EASE_DEFAULTS, ...params };
  }

  /** B[from, to] for item indices (0 when either item has no column). */
  weight(fromItem: number, toItem: number): number {
    const a = this.itemCol[fromItem] ?? -1;
    const b = this.itemCol[toItem] ?? -1;
    return a < 0 || b < 0 ? 0 : this.stored.b[a * this.stored.colItem.length + b]!;
  }

  /** Number of items that got a column in B (known after fit). */
  get keptItems(): number {
    return this.stored.colItem.length;
  }

  /** `gram`: the Gram of the bundle's EASE fits, shared with the session model's (see SharedGram). */
  fit(data: InteractionData, gram?: SharedGram): void {
    const { numUsers, numItems, userPtr, userItems } = data;
    const nnz = userPtr[numUsers]!;
    const { counts } = itemStats(data);
    const { itemCol, colItem } = easeColumns(counts, this.p);
    const m = colItem.length;
    this.numItems = numItems;
    this.numUsers = numUsers;
    this.itemCol = itemCol;
    const userWeights = recencyWeights(data, this.p.recencyHalfLife);
    const rows = userRows(data, itemCol, userWeights);
    const workspace = easeWorkspace(m, rows);
    const lambda = easeLambda(this.p, counts, colItem);
    const fillGram = gram && ((target: Float64Array) => gram.fill(data, itemCol, colItem, target));
    this.stored = {
      colItem,
      b: easeWeights(data, itemCol, m, lambda, fillGram, workspace),
      userPtr: userPtr.slice(),
      userItems: userItems.slice(0, nnz),
      userWeights,
      order: newcomerOrder(data),
    };
    this.prepare();
    const none = new Set<number>();
    this.cache = rankKnownUsers(
      this.stored.userPtr,
      this.p.cacheSize,
      { scores: new FitUserScores(m, rows, workspace.scorer()), lend: (lent) => (this.fitScores = lent) },
      (u, k) => this.rankUser(u, k, none),
    );
  }

  private prepare(): void {
    const m = this.stored.colItem.length;
    this.scratch = new Float64Array(m);
    this.seen = new Uint8Array(this.numItems);
    this.colSkip = new Uint8Array(m);
    this.inSince = new Uint8Array(this.numItems);
    this.trainingScores = new TrainingScores(m);
  }

  /** Adds `weight` × row `c` of B to `target` (the scratch by default). */
  private addRow(c: number, weight: number, target: Float64Array = this.scratch): void {
    const { b } = this.stored;
    const m = this.stored.colItem.length;
    const rc = c * m;
    for (let j = 0; j < m; j++) target[j]! += weight * b[rc + j]!;
  }

  recommendWithFoldIn(user: number, since: FoldIn, k: number, exclude: ReadonlySet<number>): Recommendations {
    if (since.items.length === 0) return this.recommend(user, k, exclude);
    const { scratch, itemCol, colSkip, seen, inSince } = this;
    const { colItem, userPtr, userItems, userWeights, order } = this.stored;
    const m = colItem.length;
    const known = user >= 0 && user < this.numUsers;
    const a = known ? userPtr[user]! : 0;
    const z = known ? userPtr[user + 1]! : 0;
    for (const item of since.items) inSince[item] = 1;
    const weightOf = (e: number) => (userWeights.length === 0 ? 1 : userWeights[e]!);
    const kept = TrainingScores.worthKeeping(z - a);
    if (kept) {
      const history = (out: Float64Array) => {
        for (let e = a; e < z; e++)
          if (itemCol[userItems[e]!]! >= 0) this.addRow(itemCol[userItems[e]!]!, weightOf(e), out);
      };
      scratch.set(this.trainingScores.of(user, history));
    } else scratch.fill(0);
    for (let e = a; e < z; e++) {
      const item = userItems[e]!;
      const c = itemCol[item]!;
      seen[item] = 1;
      // A film rated again since training counts once, at its new rating.
      if (c < 0) continue;
      if (kept && inSince[item] === 1) this.addRow(c, -weightOf(e));
      else if (!kept && inSince[item] === 0) this.addRow(c, weightOf(e));
    }
    since.items.forEach((item, s) => {
      seen[item] = 1;
      const c = itemCol[item]!;
      if (c >= 0 && inSince[item] === 1 && since.weights[s] !== 0) this.addRow(c, since.weights[s]!);
      inSince[item] = 2; // a film listed twice counts once (the first, newest, entry)
    });
    for (let c = 0; c < m; c++) colSkip[c] = seen[colItem[c]!]!;
    const colExclude =
      exclude.size === 0 ? exclude : new Set([...exclude].map((i) => itemCol[i] ?? -1).filter((c) => c >= 0));
    const top = selectTopK(scratch, null, m, k, colExclude, colSkip);
    for (let p = 0; p < top.count; p++) top.items[p] = colItem[top.items[p]!]!;
    try {
      return fillFromOrder(top, k, order, exclude, seen);
    } finally {
      colSkip.fill(0);
      for (let e = a; e < z; e++) seen[userItems[e]!] = 0;
      for (const item of since.items) seen[item] = inSince[item] = 0;
    }
  }

  /**
   * Scores of every kept column for user u (indexed by column): the fit's block scores while it
   * ranks every user, else added up into `scratch`.
   */
  private scoreUser(u: number): Float64Array {
    if (this.fitScores) return this.fitScores.of(u);
    const { scratch, itemCol } = this;
    const { userPtr, userItems, userWeights } = this.stored;
    scratch.fill(0);
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      // Artifacts written before empty meant "all 1" store the ones.
      if (c >= 0) this.addRow(c, userWeights.length === 0 ? 1 : userWeights[e]!);
    }
    return scratch;
  }

  /** Top of the user's ranking over kept items, as item indices, seen items skipped. */
  private rankUser(u: number, k: number, exclude: ReadonlySet<number>): Recommendations & { count: number } {
    const scores = this.scoreUser(u);
    const { colSkip, itemCol } = this;
    const { colItem, userPtr, userItems } = this.stored;
    const m = colItem.length;
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      if (c >= 0) colSkip[c] = 1;
    }
    const colExclude =
      exclude.size === 0 ? exclude : new Set([...exclude].map((i) => itemCol[i] ?? -1).filter((c) => c >= 0));
    const top = selectTopK(scores, null, m, k, colExclude, colSkip);
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      if (c >= 0) colSkip[c] = 0;
    }
    for (let p = 0; p < top.count; p++) top.items[p] = colItem[top.items[p]!]!;
    return top;
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { userPtr, userItems, order } = this.stored;
    const model = { cache: this.cache, userPtr, userItems, order, seen: this.seen };
    return recommendFromCache(model, user, k, exclude, (n) => this.rankUser(user, n, exclude));
  }

  serialize(): Uint8Array {
    return joinChunks(this.serializeChunks());
  }

  /** serialize's bytes as chunks, B and the other arrays as views of the model's own. */
  serializeChunks(): Uint8Array[] {
    return modelChunks(
      {
        algorithm: this.algorithm,
        params: { ...this.params },
        meta: { numItems: this.numItems, numUsers: this.numUsers },
      },
      { ...pickArrays(this.stored, EASE_ARRAYS), ...cacheArrays(this.cache) },
    );
  }

  static deserialize(bytes: Uint8Array): EaseRecommender {
    const d = decodeModel(bytes, 'ease');
    const model = new EaseRecommender(d.params as unknown as Partial<EaseParams>, FROM_ARTIFACT);
    model.numItems = Number(d.meta['numItems']);
    model.numUsers = Number(d.meta['numUsers']);
    model.stored = takeArrays(d, EASE_ARRAYS);
    model.itemCol = itemColumns(model.stored.colItem, model.numItems);
    model.cache = takeCache(d, model.p.cacheSize);
    model.prepare();
    return model;
  }
}

/** item index → its column among `colItem` (the kept items), or -1. */
export function itemColumns(colItem: Int32Array, numItems: number): Int32Array {
  const itemCol = new Int32Array(numItems).fill(-1);
  colItem.forEach((item, c) => (itemCol[item] = c));
  return itemCol;
}

/**
 * Per entry of userItems: 0.5^(r / halfLife), r = recency rank within the user (0 = newest). Empty
 * when off (every weight 1): at 25M ratings a stored array of ones would be 100 MB of artifact.
 */
function recencyWeights(data: InteractionData, halfLife: number): Float32Array {
  if (!(halfLife > 0)) return new Float32Array(0);
  const nnz = data.userPtr[data.numUsers]!;
  const weights = new Float32Array(nnz);
  for (let u = 0; u < data.numUsers; u++) {
    const a = data.userPtr[u]!;
    const z = data.userPtr[u + 1]!;
    const entries = Array.from({ length: z - a }, (_, x) => a + x);
    // newest first; ties by item index (the protocol's order), the later item counting as newer
    entries.sort(
      (x, y) => data.userTimes[y]! - data.userTimes[x]! || data.userItems[y]! - data.userItems[x]!,
    );
    entries.forEach((e, r) => (weights[e] = Math.pow(0.5, r / halfLife)));
  }
  return weights;
}

/** The λ of a fit: `lambda`, or relativeLambda × the mean count of the kept columns' items. */
export function easeLambda(
  p: Pick<EaseParams, 'lambda' | 'relativeLambda'>,
  counts: ArrayLike<number>,
  colItem: Int32Array,
): number {
  if (p.relativeLambda === 0 || colItem.length === 0) return p.lambda;
  let sum = 0;
  for (const item of colItem) sum += counts[item]!;
  // A λ of 0 would make XᵀX + λI singular for an item whose users all rated another kept item alike.
  return Math.max(p.relativeLambda * (sum / colItem.length), Number.MIN_VALUE);
}

/**
 * B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, over the m kept columns (`itemCol[item]` = column or -1),
 * X binary (duplicate entries of one user count once). Row-major m×m, zero diagonal, in the
 * workspace's `half`, which is returned: XᵀX is written into the workspace by `fillGram` (easeGram by
 * default; a SharedGram's `fill` to share one), inverted there, and B written over the inverse.
 */
export function easeWeights(
  data: InteractionData,
  itemCol: Int32Array,
  m: number,
  lambda: number,
  fillGram: (target: Float64Array) => void = (target) => easeGram(data, itemCol, m, target),
  workspace: DenseWorkspace = denseWorkspace(m),
): Float32Array {
  const p = workspace.matrix;
  fillGram(p);
  workspace.invertShifted(lambda);
  const diagonal = new Float64Array(m);
  for (let c = 0; c < m; c++) diagonal[c] = p[c * m + c]!;
  // B's row r (Float32) lies over bytes of P's rows ≤ r only, at or before P[r, c] for each c it
  // is written at, so writing rows and columns in order reads every P entry before it is overwritten.
  const b = workspace.half;
  for (let r = 0; r < m; r++) {
    const rr = r * m;
    for (let c = 0; c < m; c++) b[rr + c] = c === r ? 0 : -p[rr + c]! / diagonal[c]!;
  }
  return b;
}

/**
 * One Gram for the EASE fits of a bundle (the session model's EASE part and the returning model fit
 * the same columns of the same data at different λ): the first fit to ask computes it, the others
 * get it when their data and columns are the same (else their own), and it is let go after `fits`
 * asks, so it outlives no fit.
 */
export class SharedGram {
  private data: InteractionData | undefined;
  private colItem: Int32Array = new Int32Array(0);
  private gram: Float64Array | undefined;
  private asks = 0;

  constructor(private readonly fits: number) {}

  /**
   * Writes XᵀX over `colItem` (easeGram) into `target`: a copy of the one kept when the data and
   * columns are the same, else computed there (and a copy kept while more fits are to ask).
   */
  fill(data: InteractionData, itemCol: Int32Array, colItem: Int32Array, target: Float64Array): void {
    const same =
      this.gram !== undefined &&
      this.data === data &&
      this.colItem.length === colItem.length &&
      this.colItem.every((item, c) => item === colItem[c]);
    if (same) target.set(this.gram!);
    else easeGram(data, itemCol, colItem.length, target);
    const more = ++this.asks < this.fits;
    if (!same && more)
      [this.data, this.colItem, this.gram] = [data, colItem, target.slice(0, colItem.length ** 2)];
    if (!more) [this.data, this.gram] = [undefined, undefined];
  }
}

/**
 * XᵀX over the m kept columns (`itemCol[item]` = column or -1), X binary (duplicate entries of one
 * user count once): G[i, j] = the users with both i and j. Row-major m×m, full (both triangles),
 * written into `g` (every entry) and returned.
 *
 * Σ_u n_u²/2 additions, done row by row of the lower triangle: row i counts, over the users of column
 * i, their columns ≤ i into an m-entry Int32 counter (L1/L2-resident) that is then written out once,
 * instead of scattering Σ_u n_u² increments across the m² doubles (many times the last-level cache
 * at m = 6,000). The counts are integers, so the result is exactly the old loop's.
 */
export function easeGram(
  data: InteractionData,
  itemCol: Int32Array,
  m: number,
  g: Float64Array = new Float64Array(m * m),
): Float64Array {
  const { numUsers, userPtr, userItems } = data;
  // Each user's kept columns, sorted and distinct (CSR by user).
  const rowPtr = new Int32Array(numUsers + 1);
  let kept = 0;
  for (let e = 0; e < userPtr[numUsers]!; e++) if (itemCol[userItems[e]!]! >= 0) kept++;
  const cols = new Int32Array(kept);
  const mark = new Uint8Array(m);
  let at = 0;
  for (let u = 0; u < numUsers; u++) {
    const from = at;
    let sorted = true;
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      if (c < 0 || mark[c] === 1) continue;
      mark[c] = 1;
      if (at > from && c < cols[at - 1]!) sorted = false;
      cols[at++] = c;
    }
    for (let x = from; x < at; x++) mark[cols[x]!] = 0;
    if (!sorted) cols.subarray(from, at).sort();
    rowPtr[u + 1] = at;
  }
  // By column: the position of each entry in `cols`, and where its user's columns start.
  const colPtr = new Int32Array(m + 1);
  for (let x = 0; x < at; x++) colPtr[cols[x]! + 1]!++;
  for (let c = 0; c < m; c++) colPtr[c + 1]! += colPtr[c]!;
  const entry = new Int32Array(at);
  const first = new Int32Array(at);
  const fill = colPtr.slice(0, m);
  for (let u = 0; u < numUsers; u++) {
    for (let x = rowPtr[u]!; x < rowPtr[u + 1]!; x++) {
      const slot = fill[cols[x]!]!++;
      entry[slot] = x;
      first[slot] = rowPtr[u]!;
    }
  }
  const count = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    for (let s = colPtr[i]!; s < colPtr[i + 1]!; s++) {
      const last = entry[s]!;
      for (let x = first[s]!; x <= last; x++) count[cols[x]!]!++;
    }
    const ri = i * m;
    for (let j = 0; j <= i; j++) {
      g[ri + j] = count[j]!;
      count[j] = 0;
    }
  }
  mirrorLower(g, m);
  return g;
}

/** Copies the lower triangle of the m×m row-major `g` onto its upper one, in tiles (cache-friendly). */
function mirrorLower(g: Float64Array, m: number): void {
  const T = 64;
  for (let i0 = 0; i0 < m; i0 += T) {
    for (let j0 = 0; j0 <= i0; j0 += T) {
      const iEnd = Math.min(i0 + T, m);
      for (let i = i0; i < iEnd; i++) {
        const jEnd = Math.min(j0 + T, i);
        for (let j = j0; j < jEnd; j++) g[j * m + i] = g[i * m + j]!;
      }
    }
  }
}
