import type { InteractionData } from '../model.js';
import { selectTopK } from './common.js';
import { checkParams, paramProblems, type ParamRules } from './params.js';

export interface TransitionParams {
  /** How many later interactions of the same user each interaction links to. */
  window: number;
  /** The link to the d-th next interaction weighs decay^(d−1). */
  decay: number;
  /** Successors kept per item (the strongest). */
  neighbours: number;
}

export const TRANSITION_RULES: ParamRules<TransitionParams> = {
  window: { min: 1, integer: true },
  decay: { min: 0, max: 1, minExclusive: true },
  neighbours: { min: 1, integer: true },
};

/** What is wrong with `params` (unknown names, wrong types, values out of range); empty when they can be fitted. */
export function transitionParamProblems(params: object): string[] {
  return paramProblems(TRANSITION_RULES, params);
}

/** Sparse item → item transition weights, CSR by source item, strongest first. */
export interface Transitions {
  ptr: Int32Array;
  items: Int32Array;
  /** Share of the source item's total outgoing weight (computed before truncation, so rows sum to <= 1). */
  weights: Float32Array;
}

/**
 * Each user's entries (indices into userItems) from oldest to newest, ties by item index — the order
 * the offline protocol uses to pick the held-out tail. Same segmentation as userPtr.
 */
export function timeOrderedEntries(data: InteractionData): Int32Array {
  const { numUsers, userPtr, userItems, userTimes } = data;
  const out = new Int32Array(userPtr[numUsers]!);
  for (let u = 0; u < numUsers; u++) {
    const a = userPtr[u]!;
    const z = userPtr[u + 1]!;
    for (let e = a; e < z; e++) out[e] = e;
    out.subarray(a, z).sort((x, y) => userTimes[x]! - userTimes[y]! || userItems[x]! - userItems[y]!);
  }
  return out;
}

/**
 * What users go on to rate after an item: for every user's time-ordered history s and every position p,
 * T[s_p, s_q] += decay^(q−p−1) for p < q <= p + window, then each row is divided by its sum and cut to its
 * `neighbours` largest entries. Directed on purpose: what follows an item predicts a user's next
 * ratings better than what merely co-occurs with it (the symmetric version added about half as much to
 * EASE on the inner split of ml-latest-small).
 * Cost: O(nnz · window) additions plus a bounded top-k per item; one dense accumulator row.
 * Throws when `params` are out of range (see transitionParamProblems).
 */
export function fitTransitions(data: InteractionData, params: TransitionParams): Transitions {
  checkParams('transition', TRANSITION_RULES, params);
  const { numUsers, numItems, userPtr, userItems } = data;
  const nnz = userPtr[numUsers]!;
  const ordered = timeOrderedEntries(data);
  const seq = new Int32Array(nnz);
  const seqEnd = new Int32Array(nnz);
  for (let u = 0; u < numUsers; u++) {
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      seq[e] = userItems[ordered[e]!]!;
      seqEnd[e] = userPtr[u + 1]!;
    }
  }
  // Positions of each item in the flattened sequences.
  const occPtr = new Int32Array(numItems + 1);
  for (let p = 0; p < nnz; p++) occPtr[seq[p]! + 1]!++;
  for (let i = 0; i < numItems; i++) occPtr[i + 1]! += occPtr[i]!;
  const occ = new Int32Array(nnz);
  const fill = occPtr.slice(0, numItems);
  for (let p = 0; p < nnz; p++) occ[fill[seq[p]!]!++] = p;

  const window = Math.max(0, Math.floor(params.window));
  const stepWeights = Float64Array.from({ length: window }, (_, d) => Math.pow(params.decay, d));
  const acc = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const ptr = new Int32Array(numItems + 1);
  const rowItems: Int32Array[] = [];
  const rowWeights: Float32Array[] = [];
  const none = new Set<number>();
  for (let i = 0; i < numItems; i++) {
    let nt = 0;
    let total = 0;
    for (let o = occPtr[i]!; o < occPtr[i + 1]!; o++) {
      const p = occ[o]!;
      const end = Math.min(seqEnd[p]!, p + 1 + window);
      for (let q = p + 1; q < end; q++) {
        const j = seq[q]!;
        if (j === i) continue;
        const w = stepWeights[q - p - 1]!;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j]! += w;
        total += w;
      }
    }
    const top = selectTopK(acc, touched, nt, params.neighbours, none);
    for (let c = 0; c < top.count; c++) top.scores[c] = top.scores[c]! / total;
    rowItems.push(top.items);
    rowWeights.push(top.scores);
    ptr[i + 1] = ptr[i]! + top.count;
    for (let t = 0; t < nt; t++) acc[touched[t]!] = 0;
  }
  const items = new Int32Array(ptr[numItems]!);
  const weights = new Float32Array(ptr[numItems]!);
  for (let i = 0; i < numItems; i++) {
    items.set(rowItems[i]!, ptr[i]!);
    weights.set(rowWeights[i]!, ptr[i]!);
  }
  return { ptr, items, weights };
}
