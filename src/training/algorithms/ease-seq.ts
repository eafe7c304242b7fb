import type { InteractionData, Recommendations, Recommender } from '../model.js';
import { itemStats, popularityOrder, selectTopK } from './common.js';
import {
  EASE_FIT_DEFAULTS,
  EASE_FIT_RULES,
  easeColumns,
  easeLambda,
  type EaseFitParams,
  easeWeights,
  itemColumns,
} from './ease.js';
import { FROM_ARTIFACT, modelParams, paramProblems, type ParamRules } from './params.js';
import { decodeModel, emptyArrays, encodeModel, pickArrays, takeArrays } from './serialization.js';
import {
  buildTopListCache,
  cacheArrays,
  emptyCache,
  recommendFromCache,
  takeCache,
} from './top-list-cache.js';
import { fitTransitions, timeOrderedEntries, TRANSITION_RULES } from './transitions.js';

/** maxItems and memoryBudgetMB bound the EASE part as they bound EASE (see EaseFitParams). */
export interface EaseSeqParams extends EaseFitParams {
  /** EASE: L2 regularisation λ on the diagonal of XᵀX (when relativeLambda is 0). */
  lambda: number;
  /** EASE: only items with at least this many interactions get a column in B. */
  minItemCount: number;
  /** Transitions: how many later interactions of a user each interaction links to. */
  window: number;
  /** Transitions: the link to the d-th next interaction weighs decay^(d−1). */
  decay: number;
  /** Transitions: successors kept per item. */
  neighbours: number;
  /** The user's newest interactions whose successors are looked up. */
  recentItems: number;
  /** The r-th newest of them (r = 0 newest) weighs 0.5^(r / recentHalfLife). */
  recentHalfLife: number;
  /** Share of the transition part in the blend (0 = plain EASE, 1 = transitions only). */
  weight: number;
  /**
   * Best items kept per known user at fit time, so most calls only walk a short list (a call that
   * needs more ranks all items). 50 covers the API's default 10 with room for exclusions; each
   * kept item is 8 bytes of artifact per user (65 MB at 162,541 users).
   */
  cacheSize: number;
}

/** The model's parameters at their defaults (the fit-only ones are EASE_FIT_DEFAULTS). */
export const EASE_SEQ_DEFAULTS: Omit<EaseSeqParams, keyof EaseFitParams> = {
  lambda: 250,
  minItemCount: 5,
  window: 200,
  decay: 0.97,
  neighbours: 200,
  recentItems: 10,
  recentHalfLife: 3,
  weight: 0.5,
  cacheSize: 50,
};

/** The range of each parameter; a value outside it would break or silently degrade a fit. */
const EASE_SEQ_RULES: ParamRules<EaseSeqParams> = {
  lambda: { min: 0, minExclusive: true },
  minItemCount: { min: 1, integer: true },
  ...TRANSITION_RULES,
  recentItems: { min: 1, integer: true },
  recentHalfLife: { min: 0, minExclusive: true },
  weight: { min: 0, max: 1 },
  cacheSize: { min: 0, integer: true },
  ...EASE_FIT_RULES,
};

/** What is wrong with `params` (unknown names, wrong types, values out of range); empty when they can be fitted. */
export function easeSeqParamProblems(params: object): string[] {
  return paramProblems(EASE_SEQ_RULES, params);
}

/** The arrays a fitted model stores, in their serialized order (then its top-list cache). */
const EASE_SEQ_ARRAYS = {
  /** kept column → item index */
  colItem: 'i32',
  /** m×m row-major EASE weights. */
  b: 'f32',
  userPtr: 'i32',
  userItems: 'i32',
  /** CSR by user: the user's newest items (newest first) and their weights. */
  recentPtr: 'i32',
  recentItems: 'i32',
  recentWeights: 'f32',
  /** Transitions, CSR by source item. */
  trPtr: 'i32',
  trItems: 'i32',
  trWeights: 'f32',
  order: 'i32',
} as const;

/**
 * EASE blended with what users rate next.
 *
 * EASE (see ease.ts) models which films go together in a whole history, but not their order; yet the
 * films a user rates next are best predicted by what other users rated right after the user's newest
 * ones. So: score(u, j) = (1 − w)·e_j / max|e| + w·s_j / max|s|, where e = x_u·B (EASE) and
 * s = Σ_r 0.5^(r/h)·T[i_r, ·] over the user's `recentItems` newest items i_r (T from transitions.ts);
 * each part is scaled by its largest magnitude over the user's unseen items so that w means the same
 * for every user. Candidates are the kept EASE items (minItemCount, at most maxItems) and the successors
 * met; the rest only come from the popularity fill. Seen items are never returned. The EASE part is
 * refused before it starts when its buffers exceed memoryBudgetMB, as EASE's fit is.
 *
 * Fit: the EASE fit (cubic in kept items) + O(nnz · window) for T + one scoring pass to cache every
 * known user's top `cacheSize`. recommend(u) walks that list; only when `exclude` eats it does it
 * rescore (O(n_u·m + recentItems·neighbours + numItems)). The tuning that chose the defaults, and the
 * fit times and sizes, are in BENCHMARKS.md.
 */
export class EaseSeqRecommender implements Recommender {
  readonly algorithm = 'ease-seq';
  readonly params: Readonly<Record<string, number | string | boolean>>;
  private readonly p: EaseSeqParams;

  private numItems = 0;
  private numUsers = 0;
  private stored = emptyArrays(EASE_SEQ_ARRAYS, { userPtr: 1, recentPtr: 1, trPtr: 1 });
  /** item index → kept column, or -1 */
  private itemCol: Int32Array = new Int32Array(0);
  private cache = emptyCache();

  // Scratch reused by every call (single-threaded).
  private easeAcc: Float64Array = new Float64Array(0);
  private seqAcc: Float64Array = new Float64Array(0);
  private score: Float64Array = new Float64Array(0);
  private candidates: Int32Array = new Int32Array(0);
  private touched: Int32Array = new Int32Array(0);
  private seen: Uint8Array = new Uint8Array(0);

  /** Throws when `params` has problems (see easeSeqParamProblems), unless they come from an artifact. */
  constructor(params: Partial<EaseSeqParams> = {}, source?: typeof FROM_ARTIFACT) {
    this.p = modelParams(
      'ease-seq',
      EASE_SEQ_RULES,
      { ...EASE_SEQ_DEFAULTS, ...EASE_FIT_DEFAULTS },
      params,
      source,
    );
    // the fit-only parameters only when given (see EaseFitParams)
    this.params = { ...EASE_SEQ_DEFAULTS, ...params };
  }

  fit(data: InteractionData): void {
    const { numUsers, numItems, userPtr, userItems } = data;
    const nnz = userPtr[numUsers]!;
    const { counts, means } = itemStats(data);
    const { itemCol, colItem } = easeColumns(counts, this.p);
    this.numItems = numItems;
    this.numUsers = numUsers;
    this.itemCol = itemCol;
    const b = easeWeights(data, itemCol, colItem.length, easeLambda(this.p, counts, colItem));

    const t = fitTransitions(data, {
      window: this.p.window,
      decay: this.p.decay,
      neighbours: this.p.neighbours,
    });

    const ordered = timeOrderedEntries(data);
    const take = Math.max(0, Math.floor(this.p.recentItems));
    const recentPtr = new Int32Array(numUsers + 1);
    for (let u = 0; u < numUsers; u++) {
      recentPtr[u + 1] = recentPtr[u]! + Math.min(take, userPtr[u + 1]! - userPtr[u]!);
    }
    const recentItems = new Int32Array(recentPtr[numUsers]!);
    const recentWeights = new Float32Array(recentPtr[numUsers]!);
    for (let u = 0; u < numUsers; u++) {
      for (let r = 0; r < recentPtr[u + 1]! - recentPtr[u]!; r++) {
        recentItems[recentPtr[u]! + r] = userItems[ordered[userPtr[u + 1]! - 1 - r]!]!;
        recentWeights[recentPtr[u]! + r] = Math.pow(0.5, r / this.p.recentHalfLife);
      }
    }
    this.stored = {
      colItem,
      b,
      userPtr: userPtr.slice(),
      userItems: userItems.slice(0, nnz),
      recentPtr,
      recentItems,
      recentWeights,
      trPtr: t.ptr,
      trItems: t.items,
      trWeights: t.weights,
      order: popularityOrder(counts, means),
    };

    this.prepare();
    const none = new Set<number>();
    this.cache = buildTopListCache(this.stored.userPtr, this.p.cacheSize, (u, k) =>
      this.rankUser(u, k, none),
    );
  }

  private prepare(): void {
    const m = this.stored.colItem.length;
    const n = this.numItems;
    this.easeAcc = new Float64Array(m);
    this.seqAcc = new Float64Array(n);
    this.score = new Float64Array(n);
    this.candidates = new Int32Array(n);
    this.touched = new Int32Array(n);
    this.seen = new Uint8Array(n);
  }

  /**
   * The blended score of each candidate of user u into `score` (by item); returns the number of
   * candidates written to `candidates`. Expects the user's items flagged in `seen`; leaves `score`
   * for the caller to clear over the candidates.
   */
  private scoreUser(u: number): number {
    const { easeAcc, seqAcc, score, candidates, touched, seen, itemCol } = this;
    const {
      b,
      colItem,
      userPtr,
      userItems,
      recentPtr,
      recentItems,
      recentWeights,
      trPtr,
      trItems,
      trWeights,
    } = this.stored;
    const m = colItem.length;
    easeAcc.fill(0);
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const c = itemCol[userItems[e]!]!;
      if (c < 0) continue;
      const rc = c * m;
      for (let j = 0; j < m; j++) easeAcc[j]! += b[rc + j]!;
    }
    let nt = 0;
    for (let r = recentPtr[u]!; r < recentPtr[u + 1]!; r++) {
      const i = recentItems[r]!;
      const w = recentWeights[r]!;
      for (let x = trPtr[i]!; x < trPtr[i + 1]!; x++) {
        const j = trItems[x]!;
        if (seqAcc[j] === 0) touched[nt++] = j; // kept weights are > 0
        seqAcc[j]! += w * trWeights[x]!;
      }
    }
    let easeMax = 0;
    for (let c = 0; c < m; c++)
      if (seen[colItem[c]!] === 0) easeMax = Math.max(easeMax, Math.abs(easeAcc[c]!));
    let seqMax = 0;
    for (let t = 0; t < nt; t++) if (seen[touched[t]!] === 0) seqMax = Math.max(seqMax, seqAcc[touched[t]!]!);
    const we = easeMax > 0 ? (1 - this.p.weight) / easeMax : 0;
    const ws = seqMax > 0 ? this.p.weight / seqMax : 0;
    let count = 0;
    for (let c = 0; c < m; c++) {
      const item = colItem[c]!;
      score[item] = we * easeAcc[c]!;
      candidates[count++] = item;
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      // an item met as a successor but without an EASE column is a candidate too
      if (itemCol[j]! < 0) candidates[count++] = j;
      score[j]! += ws * seqAcc[j]!;
      seqAcc[j] = 0;
    }
    return count;
  }

  /** Top k of user u among the candidates, seen and excluded items skipped (item indices). */
  private rankUser(u: number, k: number, exclude: ReadonlySet<number>) {
    const { seen } = this;
    const { userPtr, userItems } = this.stored;
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) seen[userItems[e]!] = 1;
    const count = this.scoreUser(u);
    const top = selectTopK(this.score, this.candidates, count, k, exclude, seen);
    for (let c = 0; c < count; c++) this.score[this.candidates[c]!] = 0;
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) seen[userItems[e]!] = 0;
    return top;
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { userPtr, userItems, order } = this.stored;
    const model = { cache: this.cache, userPtr, userItems, order, seen: this.seen };
    return recommendFromCache(model, user, k, exclude, (n) => this.rankUser(user, n, exclude));
  }

  serialize(): Uint8Array {
    return encodeModel(
      {
        algorithm: this.algorithm,
        params: { ...this.params },
        meta: { numItems: this.numItems, numUsers: this.numUsers },
      },
      { ...pickArrays(this.stored, EASE_SEQ_ARRAYS), ...cacheArrays(this.cache) },
    );
  }

  static deserialize(bytes: Uint8Array): EaseSeqRecommender {
    const d = decodeModel(bytes, 'ease-seq');
    const model = new EaseSeqRecommender(d.params as unknown as Partial<EaseSeqParams>, FROM_ARTIFACT);
    model.numItems = Number(d.meta['numItems']);
    model.numUsers = Number(d.meta['numUsers']);
    model.stored = takeArrays(d, EASE_SEQ_ARRAYS);
    model.itemCol = itemColumns(model.stored.colItem, model.numItems);
    model.cache = takeCache(d, model.p.cacheSize);
    model.prepare();
    return model;
  }
}
