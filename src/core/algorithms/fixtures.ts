import type { InteractionData } from '../model.js';
import { buildInteractionData, type Row } from './test-data.js';

/**
 * 4 users × 5 items, small enough to check by hand.
 *   u0: i0 (5), i1 (4), i2 (3)      counts: i0 3, i1 3, i2 2, i3 1, i4 1
 *   u1: i0 (4), i1 (5), i3 (2)      means:  i0 4, i1 4.67, i2 3.5, i3 2, i4 1
 *   u2: i0 (3), i2 (4)              popularity: i1, i0, i2, i3, i4
 *   u3: i1 (5), i4 (1)
 * Genres (GENRE_KEYS positions): i0 Action+Comedy, i1 Action, i2 Drama, i3 Comedy, i4 Action+Drama.
 */
export const ACTION = 0;
export const COMEDY = 4;
export const DRAMA = 7;

const TINY_ROWS: Row[] = [
  [0, 0, 5, 1],
  [0, 1, 4, 2],
  [0, 2, 3, 3],
  [1, 0, 4, 1],
  [1, 1, 5, 2],
  [1, 3, 2, 3],
  [2, 0, 3, 1],
  [2, 2, 4, 2],
  [3, 1, 5, 1],
  [3, 4, 1, 2],
];

const TINY_GENRES = [[ACTION, COMEDY], [ACTION], [DRAMA], [COMEDY], [ACTION, DRAMA]];

export function tinyData(): InteractionData {
  return buildInteractionData(TINY_ROWS, { genres: TINY_GENRES });
}

/** The seen items of user u as a Set (what the evaluation passes as `exclude`). */
export function seenOf(data: InteractionData, u: number): Set<number> {
  return new Set(data.userItems.subarray(data.userPtr[u]!, data.userPtr[u + 1]!));
}
