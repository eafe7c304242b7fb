import type { InteractionData } from '../model.js';
import { GENRE_COUNT } from './common.js';

/** One interaction: [userIndex, itemIndex, rating, time]. */
export type Row = readonly [number, number, number, number];

/**
 * Builds InteractionData (CSR by user, each user's items by time then item) from rows, for tests
 * and scratch measurements. `genres[i]` lists the genre positions (GENRE_KEYS order) of item i.
 * Ids are index + 1 unless given.
 */
export function buildInteractionData(
  rows: readonly Row[],
  options: {
    numUsers?: number;
    numItems?: number;
    genres?: readonly (readonly number[])[];
    userIds?: Int32Array;
    itemIds?: Int32Array;
  } = {},
): InteractionData {
  let numUsers = options.numUsers ?? 0;
  let numItems = options.numItems ?? options.genres?.length ?? 0;
  for (const [u, i] of rows) {
    numUsers = Math.max(numUsers, u + 1);
    numItems = Math.max(numItems, i + 1);
  }
  const sorted = [...rows].sort((a, b) => a[0] - b[0] || a[3] - b[3] || a[1] - b[1]);
  const userPtr = new Int32Array(numUsers + 1);
  for (const [u] of sorted) userPtr[u + 1]!++;
  for (let u = 0; u < numUsers; u++) userPtr[u + 1]! += userPtr[u]!;
  const userItems = new Int32Array(sorted.length);
  const userRatings = new Float32Array(sorted.length);
  const userTimes = new Float64Array(sorted.length);
  sorted.forEach(([, i, r, t], e) => {
    userItems[e] = i;
    userRatings[e] = r;
    userTimes[e] = t;
  });
  const itemGenres = new Uint8Array(numItems * GENRE_COUNT);
  options.genres?.forEach((gs, i) => {
    for (const g of gs) itemGenres[i * GENRE_COUNT + g] = 1;
  });
  return {
    numUsers,
    numItems,
    userIds: options.userIds ?? Int32Array.from({ length: numUsers }, (_, u) => u + 1),
    itemIds: options.itemIds ?? Int32Array.from({ length: numItems }, (_, i) => i + 1),
    userPtr,
    userItems,
    userRatings,
    userTimes,
    itemGenres,
  };
}
