import type { InteractionData } from '../model.js';
import { selectTopK, siftDown } from './common.js';

/** Each item's kept neighbours, CSR by item, best first (highest similarity, ties by lower index). */
export interface NeighbourLists {
  nbrPtr: Int32Array;
  nbrItems: Int32Array;
  nbrSims: Float32Array;
}

type Interactions = Pick<InteractionData, 'numUsers' | 'numItems' | 'userPtr' | 'userItems' | 'userRatings'>;

/**
 * The `k` most similar items of each item by cosine between item columns (0/1 when `binary`, else
 * the ratings), only those with a similarity > 0. Σ_u n_u²/2 multiply-adds (neighboursByTriangle)
 * when every user's items are strictly increasing, as buildInteractions makes them; else twice that
 * (neighboursByRows). Both give the same lists, bit for bit.
 */
export function itemNeighbours(data: Interactions, binary: boolean, k: number): NeighbourLists {
  return strictlyIncreasing(data) ? neighboursByTriangle(data, binary, k) : neighboursByRows(data, binary, k);
}

function strictlyIncreasing({ numUsers, userPtr, userItems }: Interactions): boolean {
  for (let u = 0; u < numUsers; u++) {
    for (let e = userPtr[u]! + 1; e < userPtr[u + 1]!; e++)
      if (userItems[e]! <= userItems[e - 1]!) return false;
  }
  return true;
}

/** Column (item) CSR of the entries: each item's users in user order, and the entry of each. */
function itemColumns({ numUsers, numItems, userPtr, userItems }: Interactions) {
  const nnz = userPtr[numUsers]!;
  const itemPtr = new Int32Array(numItems + 1);
  for (let e = 0; e < nnz; e++) itemPtr[userItems[e]! + 1]!++;
  for (let i = 0; i < numItems; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const itemUsers = new Int32Array(nnz);
  const itemEntries = new Int32Array(nnz);
  const fill = itemPtr.slice(0, numItems);
  for (let u = 0; u < numUsers; u++) {
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
      const at = fill[userItems[e]!]!++;
      itemUsers[at] = u;
      itemEntries[at] = e;
    }
  }
  return { itemPtr, itemUsers, itemEntries };
}

/** √Σ w² of each item's column. */
function columnNorms({ numUsers, numItems, userPtr, userItems, userRatings }: Interactions, binary: boolean) {
  const norms = new Float64Array(numItems);
  for (let e = 0; e < userPtr[numUsers]!; e++) {
    const w = binary ? 1 : userRatings[e]!;
    norms[userItems[e]!]! += w * w;
  }
  for (let i = 0; i < numItems; i++) norms[i] = Math.sqrt(norms[i]!);
  return norms;
}

/**
 * Row by row: for item i, Σ over its users u of w_ui·w_uj into a dense accumulator for every item j,
 * then the top k of the row (Σ_u n_u² multiply-adds).
 */
export function neighboursByRows(data: Interactions, binary: boolean, k: number): NeighbourLists {
  const { numItems, userPtr, userItems, userRatings } = data;
  const weight = (e: number): number => (binary ? 1 : userRatings[e]!);
  const { itemPtr, itemUsers, itemEntries } = itemColumns(data);
  const norms = columnNorms(data, binary);
  const nbrPtr = new Int32Array(numItems + 1);
  const nbrItems: Int32Array[] = [];
  const nbrSims: Float32Array[] = [];
  const acc = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const noExclude = new Set<number>();
  for (let i = 0; i < numItems; i++) {
    let nt = 0;
    for (let c = itemPtr[i]!; c < itemPtr[i + 1]!; c++) {
      const u = itemUsers[c]!;
      const wi = weight(itemEntries[c]!);
      for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) {
        const j = userItems[e]!;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j]! += wi * weight(e);
      }
    }
    const ni = norms[i]!;
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      acc[j] = j === i ? 0 : acc[j]! / (ni * norms[j]!);
    }
    const top = selectTopK(acc, touched, nt, k, noExclude);
    let kept = top.count;
    while (kept > 0 && top.scores[kept - 1]! <= 0) kept--;
    nbrItems.push(top.items.subarray(0, kept));
    nbrSims.push(top.scores.subarray(0, kept));
    nbrPtr[i + 1] = nbrPtr[i]! + kept;
    for (let t = 0; t < nt; t++) acc[touched[t]!] = 0;
  }
  return {
    nbrPtr,
    nbrItems: concat(Int32Array, nbrItems, nbrPtr[numItems]!),
    nbrSims: concat(Float32Array, nbrSims, nbrPtr[numItems]!),
  };
}

/**
 * The lower triangle only: for item i, Σ over its users u of w_ui·w_uj for the items j < i before i
 * in u's (increasing) list, and each similarity offered to both i's and j's bounded heap. Each sum
 * runs over the same users in the same order with the same products as neighboursByRows' (a·b =
 * b·a), so the similarities, and the lists, are the same bits at half the multiply-adds.
 */
export function neighboursByTriangle(data: Interactions, binary: boolean, k: number): NeighbourLists {
  const { numItems, userPtr, userItems, userRatings } = data;
  const { itemPtr, itemUsers, itemEntries } = itemColumns(data);
  const norms = columnNorms(data, binary);
  const heaps = new BoundedHeaps(numItems, k);
  const acc = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    let nt = 0;
    for (let c = itemPtr[i]!; c < itemPtr[i + 1]!; c++) {
      const last = itemEntries[c]!;
      const from = userPtr[itemUsers[c]!]!;
      if (binary) {
        for (let e = from; e < last; e++) {
          const j = userItems[e]!;
          if (acc[j] === 0) touched[nt++] = j;
          acc[j]! += 1;
        }
      } else {
        const wi = userRatings[last]!;
        for (let e = from; e < last; e++) {
          const j = userItems[e]!;
          if (acc[j] === 0) touched[nt++] = j;
          acc[j]! += wi * userRatings[e]!;
        }
      }
    }
    const ni = norms[i]!;
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      const sim = acc[j]! / (ni * norms[j]!);
      acc[j] = 0;
      if (!(sim > 0)) continue;
      heaps.offer(i, j, sim);
      heaps.offer(j, i, sim);
    }
  }
  return heaps.lists();
}

/**
 * One bounded heap of the k best (item, score) per owner, worst at the root (lower score, or the
 * higher index on a tie), in flat typed arrays; the roots are also kept apart so a rejection reads
 * two numbers.
 */
class BoundedHeaps {
  private readonly items: Int32Array;
  private readonly scores: Float64Array;
  private readonly sizes: Int32Array;
  private readonly worstScore: Float64Array;
  private readonly worstItem: Int32Array;

  constructor(
    private readonly owners: number,
    private readonly k: number,
  ) {
    this.items = new Int32Array(owners * k);
    this.scores = new Float64Array(owners * k);
    this.sizes = new Int32Array(owners);
    this.worstScore = new Float64Array(owners);
    this.worstItem = new Int32Array(owners);
  }

  offer(owner: number, item: number, s: number): void {
    const { k, items, scores } = this;
    if (k === 0) return;
    const size = this.sizes[owner]!;
    const base = owner * k;
    if (size === k) {
      const ws = this.worstScore[owner]!;
      if (s < ws || (s === ws && item > this.worstItem[owner]!)) return;
      siftDown(items, scores, base, k, item, s);
    } else {
      let pos = size;
      this.sizes[owner] = size + 1;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        const ps = scores[base + parent]!;
        if (ps < s || (ps === s && items[base + parent]! > item)) break;
        items[base + pos] = items[base + parent]!;
        scores[base + pos] = ps;
        pos = parent;
      }
      items[base + pos] = item;
      scores[base + pos] = s;
    }
    this.worstScore[owner] = scores[base]!;
    this.worstItem[owner] = items[base]!;
  }

  /** Each owner's items, best first, as CSR. */
  lists(): NeighbourLists {
    const { owners, k, items, scores, sizes } = this;
    const nbrPtr = new Int32Array(owners + 1);
    for (let o = 0; o < owners; o++) nbrPtr[o + 1] = nbrPtr[o]! + sizes[o]!;
    const nbrItems = new Int32Array(nbrPtr[owners]!);
    const nbrSims = new Float32Array(nbrPtr[owners]!);
    for (let o = 0; o < owners; o++) {
      const base = o * k;
      // Pop the worst into the back.
      for (let n = sizes[o]!; n > 0; n--) {
        nbrItems[nbrPtr[o]! + n - 1] = items[base]!;
        nbrSims[nbrPtr[o]! + n - 1] = scores[base]!;
        siftDown(items, scores, base, n - 1, items[base + n - 1]!, scores[base + n - 1]!);
      }
    }
    return { nbrPtr, nbrItems, nbrSims };
  }
}

function concat<T extends Int32Array | Float32Array>(
  type: { new (length: number): T },
  parts: readonly T[],
  total: number,
): T {
  const out = new type(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
