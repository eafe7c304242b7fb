import { ROW_CHECKS } from './movielens-rows.js';

/** What a batch's validation found: counts per check and whether the batch may be applied. */
export interface ValidationReport {
  passed: boolean;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  /** Quarantined rows / rows read. */
  badRowShare: number;
  /** The largest bad-row share a batch may have and still be applied. */
  threshold: number;
  /** Rows that failed each check (0 for the checks every row passed). */
  checks: Record<string, number>;
}

/** Every check a batch's rows go through: the row checks, then the catalog and duplicates. */
export const BATCH_CHECKS = [...ROW_CHECKS, 'unknown_movie', 'duplicate'] as const;

export function buildValidationReport(
  rowsRead: number,
  /** Rows that failed each check (a check no row failed may be absent). */
  failed: Readonly<Record<string, number>>,
  threshold: number,
): ValidationReport {
  const checks: Record<string, number> = Object.fromEntries(BATCH_CHECKS.map((check) => [check, 0]));
  for (const [check, count] of Object.entries(failed)) checks[check] = (checks[check] ?? 0) + count;
  const rowsQuarantined = Object.values(failed).reduce((sum, count) => sum + count, 0);
  const badRowShare = rowsRead === 0 ? 0 : rowsQuarantined / rowsRead;
  return {
    passed: badRowShare <= threshold,
    rowsRead,
    rowsAccepted: rowsRead - rowsQuarantined,
    rowsQuarantined,
    badRowShare,
    threshold,
    checks,
  };
}
