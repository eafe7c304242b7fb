import type { InteractionData } from '../model.js';
import { GENRE_COUNT } from './common.js';

/** Each item's genres as a bit mask (bit g = GENRE_KEYS[g]). */
export function genreMasks(itemGenres: Uint8Array, numItems: number): Uint32Array {
  const masks = new Uint32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    let m = 0;
    for (let g = 0; g < GENRE_COUNT; g++) if (itemGenres[i * GENRE_COUNT + g]) m |= 1 << g;
    masks[i] = m >>> 0;
  }
  return masks;
}

/** Number of set bits of a 32-bit mask. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The items grouped by genre combination: combination c has mask comboMask[c] and the items
 * comboItems[comboPtr[c] .. comboPtr[c + 1]), in the order `items` gave them. Combinations are
 * numbered in the order their first item appears.
 */
export function groupByGenreCombination(
  items: Iterable<number>,
  itemMask: Uint32Array,
): { comboMask: Uint32Array; comboPtr: Int32Array; comboItems: Int32Array } {
  const comboOf = new Map<number, number>();
  const members: number[][] = [];
  for (const item of items) {
    const mask = itemMask[item]!;
    let c = comboOf.get(mask);
    if (c === undefined) {
      c = members.length;
      comboOf.set(mask, c);
      members.push([]);
    }
    members[c]!.push(item);
  }
  const comboPtr = new Int32Array(members.length + 1);
  members.forEach((list, c) => (comboPtr[c + 1] = comboPtr[c]! + list.length));
  return {
    comboMask: Uint32Array.from(comboOf.keys()),
    comboPtr,
    comboItems: Int32Array.from(members.flat()),
  };
}

/**
 * Adds into `taste` the genre vectors of the entries [from, to) of a user's ratings, each weighted
 * by its rating: the genre profile the genre models read for a known user.
 */
export function addRatedGenres(
  taste: Float32Array | Float64Array,
  entries: { userItems: Int32Array; userRatings: Float32Array; itemMask: Uint32Array },
  from: number,
  to: number,
): void {
  const { userItems, userRatings, itemMask } = entries;
  for (let e = from; e < to; e++) {
    const mask = itemMask[userItems[e]!]!;
    const r = userRatings[e]!;
    for (let g = 0; g < GENRE_COUNT; g++) if (mask & (1 << g)) taste[g]! += r;
  }
}

/** The users' ratings a genre model keeps (CSR by user), copied from the data. */
export function userRatingArrays(data: InteractionData): {
  userPtr: Int32Array;
  userItems: Int32Array;
  userRatings: Float32Array;
} {
  const nnz = data.userPtr[data.numUsers]!;
  return {
    userPtr: data.userPtr.slice(),
    userItems: data.userItems.slice(0, nnz),
    userRatings: data.userRatings.slice(0, nnz),
  };
}

/**
 * The same arrays holding no user: a genre model that keeps them answers every user as a newcomer
 * (what a bundle's taste model needs, without 200 MB of ratings at 25M).
 */
export function noUserRatings(): ReturnType<typeof userRatingArrays> {
  return { userPtr: new Int32Array(1), userItems: new Int32Array(0), userRatings: new Float32Array(0) };
}
