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

export const BATCH_CHECKS = [
  'field_count',
  'empty_field',
  'invalid_utf8',
  'user_id',
  'movie_id',
  'title',
  'rating',
  'timestamp',
  'timestamp_before_1995',
  'timestamp_future',
  'unknown_movie',
  'duplicate',
] as const;

export function buildValidationReport(
  rowsRead: number,
  failedChecks: readonly string[],
  threshold: number,
): ValidationReport {
  const checks: Record<string, number> = Object.fromEntries(BATCH_CHECKS.map((check) => [check, 0]));
  for (const check of failedChecks) checks[check] = (checks[check] ?? 0) + 1;
  const rowsQuarantined = failedChecks.length;
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
