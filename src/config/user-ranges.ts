/** Inclusive ranges of user ids, sorted and merged: what one API client may act for. */
export type UserRanges = readonly { from: number; to: number }[];

const MAX_USER_ID = 2_147_483_647;
const ITEM = /^(\d+)(?:-(\d+))?$/;

/**
 * Reads `"1-1000,5000-5999,42"`: comma-separated ids and inclusive ranges of positive ids (the
 * users table's integer), in any order, overlaps merged. Throws an Error saying which item is
 * wrong: a typo here would silently lock a backend out of its users, or let it at others'.
 */
export function parseUserRanges(text: string): UserRanges {
  const items = text.split(',').map((item) => item.trim());
  if (text.trim() === '') throw new Error('must list user ids or ranges, such as "1-1000,5000-5999"');
  const ranges: { from: number; to: number }[] = [];
  for (const item of items) {
    const match = ITEM.exec(item);
    if (!match) {
      throw new Error(
        `has ${JSON.stringify(item)}, which is not an id or a range of ids (such as "1-1000,5000-5999")`,
      );
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to > MAX_USER_ID) {
      throw new Error(`has ${JSON.stringify(item)}: user ids go from 1 to ${MAX_USER_ID}`);
    }
    if (from > to) throw new Error(`has ${JSON.stringify(item)}, a range whose start is past its end`);
    ranges.push({ from, to });
  }
  ranges.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

/** Whether `userId` falls in one of the ranges (binary search: a client may list many). */
export function inUserRanges(ranges: UserRanges, userId: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle]!;
    if (userId < range.from) high = middle - 1;
    else if (userId > range.to) low = middle + 1;
    else return true;
  }
  return false;
}

/** The ranges as configured text, for messages: "1-1000,5000-5999,42". */
export function formatUserRanges(ranges: UserRanges): string {
  return ranges.map(({ from, to }) => (from === to ? String(from) : `${from}-${to}`)).join(',');
}
