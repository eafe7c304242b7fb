import type { PeriodKind } from './settings/ingestion.settings.js';

/**
 * Calendar periods that cut the ratings history into replay batches, in UTC.
 * A period is [start, end); its label is "1999", "1999-Q3" or "1999-07".
 */

export interface Period {
  label: string;
  start: Date;
  end: Date;
}

const MONTHS_PER: Record<PeriodKind, number> = { year: 12, quarter: 3, month: 1 };

function label(kind: PeriodKind, start: Date): string {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth();
  if (kind === 'year') return String(year);
  if (kind === 'quarter') return `${year}-Q${Math.floor(month / 3) + 1}`;
  return `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The period of the given kind that contains `at`. */
export function periodContaining(kind: PeriodKind, at: Date): Period {
  const months = MONTHS_PER[kind];
  const monthIndex = at.getUTCFullYear() * 12 + at.getUTCMonth();
  const startIndex = monthIndex - (monthIndex % months);
  const start = new Date(Date.UTC(Math.floor(startIndex / 12), startIndex % 12, 1));
  const end = new Date(Date.UTC(Math.floor((startIndex + months) / 12), (startIndex + months) % 12, 1));
  return { label: label(kind, start), start, end };
}

/** The period right after the one that ends at `end`. */
export function periodAfter(kind: PeriodKind, end: Date): Period {
  return periodContaining(kind, end);
}

/** The end of the first load: the start of the year after `startYear`. */
export function initialLoadEnd(startYear: number): Date {
  return new Date(Date.UTC(startYear + 1, 0, 1));
}

/** How much of the history the default replay leaves to the scheduled runs, one period each. */
const REPLAY_TAIL_YEARS = 3;

/**
 * The first load's cut when no start year is set, read from the data itself (any MovieLens set
 * ends in a different year): the start of the period that holds the moment REPLAY_TAIL_YEARS
 * before the last rating. The first batch then holds enough history for a useful model, and the
 * scheduled runs still have years to replay. Never before the end of the first rating's period,
 * so the first batch holds ratings even when the whole history is shorter than the tail.
 */
export function automaticLoadEnd(kind: PeriodKind, firstRating: Date, lastRating: Date): Date {
  const back = new Date(lastRating);
  back.setUTCFullYear(back.getUTCFullYear() - REPLAY_TAIL_YEARS);
  const cut = periodContaining(kind, back).start;
  const firstEnd = periodContaining(kind, firstRating).end;
  return cut > firstEnd ? cut : firstEnd;
}
