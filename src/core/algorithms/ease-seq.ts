import { type FoldIn, type FoldInRecommender, NO_FOLD_IN } from '../fold-in.js';
import type { InteractionData, Recommendations } from '../model.js';
import { type BlendWeightSearch, searchBlendWeight } from './blend-weight-search.js';
import { fillFromOrder, itemStats, newcomerOrder, selectTopK } from './common.js';
import {
  EASE_FIT_DEFAULTS,
  EASE_FIT_RULES,
  easeColumns,
  easeLambda,
  type EaseFitParams,
  easeWeights,
  itemColumns,
  type SharedGram,
} from './ease.js';
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
import { fitTransitions, timeOrderedEntries, TRANSITION_RULES } from './transitions.js';

/** maxItems and memoryBudgetMB bound the EASE part as they bound EASE (see EaseFitParams). */
export interface EaseSeqParams extends EaseFitParams, WeightSearchParams {
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
  /**
   * Share of the transition part in the blend (0 = plain EASE, 1 = transitions only). With
   * weightSearchUsers > 0 the fit chooses it, and this is only what it keeps when it cannot.
   */
  weight: number;
  /**
   * Best items kept per known user at fit time, so most calls only walk a short list (a call that
   * needs more ranks all items). 50 covers the API's default 10 with room for exclusions; each
   * kept item is 8 bytes of artifact per user (65 MB at 162,541 users).
   */
  cacheSize: number;
}

/**
 * The fit's choice of `weight` (blend-weight-search.ts). Reported (and stored) only when given, as
 * EaseFitParams are: a model at the default writes the bytes it wrote before the search existed.
 */
export interface WeightSearchParams {
  /**
   * When > 0, the fit chooses `weight` by NDCG@10 on the session protocol's holdout made inside the
   * training data of a seeded sample of at most this many users (an inner model fitted on them
   * alone, so the cost follows the sample, not the data); 0 = keep `weight`.
   */
  weightSearchUsers: number;
}

const WEIGHT_SEARCH_DEFAULTS: WeightSearchParams = { weightSearchUsers: 0 };

/**
 * The weight search's inner EASE gets at most this many columns (far fewer than maxItems' 10,000): its
 * fit is cubic in them, and the weight it picks hardly depends on them (the inner scores by weight
 * moved by ≤ 0.0006 between 2,000 columns and all of them).
 */
const WEIGHT_SEARCH_MAX_ITEMS = 2_000;

/** The model's parameters at their defaults (the fit-only ones are EASE_FIT_DEFAULTS). */
export const EASE_SEQ_DEFAULTS: Omit<EaseSeqParams, keyof EaseFitParams | keyof WeightSearchParams> = {
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
  weightSearchUsers: { min: 0, integer: true },
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
 * How much order says differs by data, so with weightSearchUsers > 0 the fit first chooses w: the
 * session holdout of a sample of users, one inner fit on its train half, every w of a grid scored on
 * its test half (blend-weight-search.ts; the parts are computed once per user, only the blend runs
 * per w). The full fit then runs at the chosen w, so its top lists are ranked with it.
 *
 * Fit: the EASE fit (cubic in kept items) + O(nnz · window) for T + one scoring pass to cache every
 * known user's top `cacheSize`; the weight search adds one such fit on the sample (no top lists, at
 * most WEIGHT_SEARCH_MAX_ITEMS EASE columns). recommend(u) walks the user's cached list; only when
 * `exclude` eats it does it rescore (O(n_u·m + recentItems·neighbours + numItems)). The tuning that
 * chose the defaults, and the fit times and sizes, are in BENCHMARKS.md and docs/benchmarks-log.md.
 */
export class EaseSeqRecommender implements FoldInRecommender {
  readonly algorithm = 'ease-seq';
  private reported: Readonly<Record<string, number | string | boolean>>;
  private p: EaseSeqParams;
  /** What the fit's weight search found (weightSearchUsers > 0); not stored in the artifact. */
  weightSearch: BlendWeightSearch | undefined;

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
  /** Each candidate's (by position in `candidates`) EASE and transition score, before scaling. */
  private candidateEase: Float64Array = new Float64Array(0);
  private candidateSeq: Float64Array = new Float64Array(0);
  /** The largest |EASE| and transition score over the scored user's unseen items. */
  private easeMax = 0;
  private seqMax = 0;
  private touched: Int32Array = new Int32Array(0);
  private seen: Uint8Array = new Uint8Array(0);
  /** Flags the items of a fold-in during a call. */
  private inSince: Uint8Array = new Uint8Array(0);
  private trainingScores = new TrainingScores(0);
  /** During the fit's ranking of every user: their EASE scores, a block at a time. */
  private fitScores: FitUserScores | undefined;

  /** Throws when `params` has problems (see easeSeqParamProblems), unless they come from an artifact. */
  constructor(params: Partial<EaseSeqParams> = {}, source?: typeof FROM_ARTIFACT) {
    this.p = modelParams(
      'ease-seq',
      EASE_SEQ_RULES,
      { ...EASE_SEQ_DEFAULTS, ...EASE_FIT_DEFAULTS, ...WEIGHT_SEARCH_DEFAULTS },
      params,
      source,
    );
    // the fit-only parameters only when given (see EaseFitParams)
    this.reported = { ...EASE_SEQ_DEFAULTS, ...params };
  }

  /** The parameters, with the weight the fit chose when it searched. */
  get params(): Readonly<Record<string, number | string | boolean>> {
    return this.reported;
  }

  /** `gram`: the Gram of the bundle's EASE fits, shared with the returning model's (see SharedGram). */
  fit(data: InteractionData, gram?: SharedGram): void {
    if (this.p.weightSearchUsers > 0) {
      // Before the full fit, so that the inner model's buffers are garbage by the time its are made.
      this.weightSearch = this.searchWeight(data);
      this.p = { ...this.p, weight: this.weightSearch.weight };
      this.reported = { ...this.reported, weight: this.weightSearch.weight };
    }
    const { numUsers, numItems, userPtr, userItems } = data;
    const nnz = userPtr[numUsers]!;
    const { counts } = itemStats(data);
    const { itemCol, colItem } = easeColumns(counts, this.p);
    this.numItems = numItems;
    this.numUsers = numUsers;
    this.itemCol = itemCol;
    const lambda = easeLambda(this.p, counts, colItem);
    const m = colItem.length;
    const rows = userRows(data, itemCol, new Float32Array(0));
    const workspace = easeWorkspace(m, rows);
    const fillGram = gram && ((target: Float64Array) => gram.fill(data, itemCol, colItem, target));
    const b = easeWeights(data, itemCol, m, lambda, fillGram, workspace);

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

  /**
   * The weight that ranks the session holdout of a sample of users best (blend-weight-search.ts),
   * from one inner fit with these parameters, no top lists (the inner users are ranked once each)
   * and at most WEIGHT_SEARCH_MAX_ITEMS EASE columns.
   */
  private searchWeight(data: InteractionData): BlendWeightSearch {
    const { weightSearchUsers: maxUsers, weight: fallback } = this.p;
    return searchBlendWeight(data, { maxUsers, fallback }, (train) => {
      const inner = new EaseSeqRecommender({
        ...this.givenFitParams(),
        weightSearchUsers: 0,
        cacheSize: 0,
        maxItems: Math.min(this.p.maxItems, WEIGHT_SEARCH_MAX_ITEMS),
      });
      inner.fit(train);
      return (user, k, weights) => inner.rankAtWeights(user, k, weights);
    });
  }

  /** Every parameter but the weight, as the inner fit of the search takes them. */
  private givenFitParams(): Partial<EaseSeqParams> {
    const { weight: _weight, ...rest } = this.p;
    return rest;
  }

  private prepare(): void {
    const m = this.stored.colItem.length;
    const n = this.numItems;
    this.easeAcc = new Float64Array(m);
    this.seqAcc = new Float64Array(n);
    this.score = new Float64Array(n);
    this.candidates = new Int32Array(n);
    this.candidateEase = new Float64Array(n);
    this.candidateSeq = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.seen = new Uint8Array(n);
    this.inSince = new Uint8Array(n);
    this.trainingScores = new TrainingScores(m);
  }

  /**
   * The EASE and transition scores of each candidate of user u (-1: none in training) and what they
   * rated since (`since`, flagged in `inSince`) into `candidateEase` and `candidateSeq`, with their
   * largest magnitudes over the unseen items; returns the number of candidates written to
   * `candidates`. Expects the user's training and since items flagged in `seen`.
   */
  private scoreParts(u: number, since: FoldIn): number {
    const { easeAcc, seqAcc, candidates, candidateEase, candidateSeq, touched, seen, itemCol, inSince } =
      this;
    const { b, colItem, userPtr, userItems, recentPtr, recentItems, trPtr, trItems, trWeights } = this.stored;
    const m = colItem.length;
    const known = u >= 0 && u < this.numUsers;
    const addRow = (c: number, weight: number) => {
      const rc = c * m;
      for (let j = 0; j < m; j++) easeAcc[j]! += weight * b[rc + j]!;
    };
    const a = known ? userPtr[u]! : 0;
    const z = known ? userPtr[u + 1]! : 0;
    // Only with ratings since: a user without is ranked once, at fit time, into the top lists.
    const kept = since.items.length > 0 && TrainingScores.worthKeeping(z - a);
    // At fit time (no ratings since) the block scores hold the whole training part.
    const fitted = known && since.items.length === 0 ? this.fitScores : undefined;
    if (fitted) easeAcc.set(fitted.of(u));
    else if (kept) {
      const history = (out: Float64Array) => {
        for (let e = a; e < z; e++) {
          const c = itemCol[userItems[e]!]!;
          if (c < 0) continue;
          const rc = c * m;
          for (let j = 0; j < m; j++) out[j]! += b[rc + j]!;
        }
      };
      easeAcc.set(this.trainingScores.of(u, history));
    } else easeAcc.fill(0);
    for (let e = a; e < z && !fitted; e++) {
      const c = itemCol[userItems[e]!]!;
      // A film rated again since training counts once, at its new rating.
      if (c < 0) continue;
      if (kept && inSince[userItems[e]!] === 1) addRow(c, -1);
      else if (!kept && inSince[userItems[e]!] === 0) addRow(c, 1);
    }
    since.items.forEach((item, x) => {
      const c = itemCol[item]!;
      if (c >= 0 && since.weights[x] !== 0) addRow(c, since.weights[x]!);
    });
    // The newest films: those rated since (newest first), then the training ones not rated again.
    let nt = 0;
    let r = 0;
    const follow = (i: number, weight: number) => {
      // Transitions say what people rate next, liked or not: a film never pushes its successors down.
      // Rounded as the fit stores a training user's recent weights, so their lists stay as they were.
      const w = Math.fround(Math.pow(0.5, r++ / this.p.recentHalfLife)) * Math.max(0, weight);
      if (w === 0) return;
      for (let x = trPtr[i]!; x < trPtr[i + 1]!; x++) {
        const j = trItems[x]!;
        if (seqAcc[j] === 0) touched[nt++] = j; // kept weights are > 0
        seqAcc[j]! += w * trWeights[x]!;
      }
    };
    for (let x = 0; x < since.items.length && r < this.p.recentItems; x++)
      follow(since.items[x]!, since.weights[x]!);
    if (known) {
      for (let x = recentPtr[u]!; x < recentPtr[u + 1]! && r < this.p.recentItems; x++)
        if (inSince[recentItems[x]!] === 0) follow(recentItems[x]!, 1);
    }
    let easeMax = 0;
    for (let c = 0; c < m; c++)
      if (seen[colItem[c]!] === 0) easeMax = Math.max(easeMax, Math.abs(easeAcc[c]!));
    let seqMax = 0;
    for (let t = 0; t < nt; t++) if (seen[touched[t]!] === 0) seqMax = Math.max(seqMax, seqAcc[touched[t]!]!);
    this.easeMax = easeMax;
    this.seqMax = seqMax;
    // The kept items first, at their column's position; then the successors without a column.
    let count = 0;
    for (let c = 0; c < m; c++) {
      candidates[count] = colItem[c]!;
      candidateEase[count] = easeAcc[c]!;
      candidateSeq[count++] = 0;
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      const c = itemCol[j]!;
      if (c >= 0) candidateSeq[c] = seqAcc[j]!;
      else {
        candidates[count] = j;
        candidateEase[count] = 0;
        candidateSeq[count++] = seqAcc[j]!;
      }
      seqAcc[j] = 0;
    }
    return count;
  }

  /**
   * (1 − w)·e / max|e| + w·s / max s of the `count` candidates scoreParts wrote, into `score` (by
   * item); the caller clears `score` over the candidates.
   */
  private blend(count: number, weight: number): void {
    const { score, candidates, candidateEase, candidateSeq } = this;
    const we = this.easeMax > 0 ? (1 - weight) / this.easeMax : 0;
    const ws = this.seqMax > 0 ? weight / this.seqMax : 0;
    for (let c = 0; c < count; c++) score[candidates[c]!] = we * candidateEase[c]! + ws * candidateSeq[c]!;
  }

  /** Top k of user u among the candidates, seen and excluded items skipped (item indices). */
  private rankUser(u: number, k: number, exclude: ReadonlySet<number>, since: FoldIn = NO_FOLD_IN) {
    return this.withScoredUser(u, since, (count) => {
      this.blend(count, this.p.weight);
      return selectTopK(this.score, this.candidates, count, k, exclude, this.seen);
    });
  }

  /**
   * User u's top k at each of `weights` (item indices), topped up from the popularity order as
   * recommend() does: one scoring, one blend per weight (the weight search's ranker).
   */
  private rankAtWeights(u: number, k: number, weights: readonly number[]): Int32Array[] {
    const { order } = this.stored;
    const none = new Set<number>();
    return this.withScoredUser(u, NO_FOLD_IN, (count) =>
      weights.map((weight) => {
        this.blend(count, weight);
        const top = selectTopK(this.score, this.candidates, count, k, none, this.seen);
        return fillFromOrder(top, k, order, none, this.seen).items;
      }),
    );
  }

  /**
   * Runs `rank` with user u's training items and `since` flagged in `seen` and the candidates' parts
   * scored (their count given), then clears `score`, `seen` and `inSince` for the next user.
   */
  private withScoredUser<T>(u: number, since: FoldIn, rank: (count: number) => T): T {
    const { seen, inSince } = this;
    const { userPtr, userItems } = this.stored;
    const known = u >= 0 && u < this.numUsers;
    const a = known ? userPtr[u]! : 0;
    const z = known ? userPtr[u + 1]! : 0;
    for (let e = a; e < z; e++) seen[userItems[e]!] = 1;
    for (const item of since.items) seen[item] = inSince[item] = 1;
    try {
      const count = this.scoreParts(u, since);
      const ranked = rank(count);
      for (let c = 0; c < count; c++) this.score[this.candidates[c]!] = 0;
      return ranked;
    } finally {
      for (let e = a; e < z; e++) seen[userItems[e]!] = 0;
      for (const item of since.items) seen[item] = inSince[item] = 0;
    }
  }

  recommend(user: number, k: number, exclude: ReadonlySet<number>): Recommendations {
    const { userPtr, userItems, order } = this.stored;
    const model = { cache: this.cache, userPtr, userItems, order, seen: this.seen };
    return recommendFromCache(model, user, k, exclude, (n) => this.rankUser(user, n, exclude));
  }

  recommendWithFoldIn(user: number, since: FoldIn, k: number, exclude: ReadonlySet<number>): Recommendations {
    if (since.items.length === 0) return this.recommend(user, k, exclude);
    const top = this.rankUser(user, k, exclude, since);
    const { seen } = this;
    const { userPtr, userItems, order } = this.stored;
    const known = user >= 0 && user < this.numUsers;
    const a = known ? userPtr[user]! : 0;
    const z = known ? userPtr[user + 1]! : 0;
    for (let e = a; e < z; e++) seen[userItems[e]!] = 1;
    for (const item of since.items) seen[item] = 1;
    try {
      return fillFromOrder(top, k, order, exclude, seen);
    } finally {
      for (let e = a; e < z; e++) seen[userItems[e]!] = 0;
      for (const item of since.items) seen[item] = 0;
    }
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
