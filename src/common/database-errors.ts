const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '55000',
]);

/** The database is down, restarting or refusing us: a 503 the client may retry, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, driverError, message } = (error ?? {}) as {
    code?: string;
    driverError?: { code?: string };
    message?: string;
  };
  const sqlState = driverError?.code ?? code;
  return (
    (sqlState !== undefined && (UNAVAILABLE_CODES.has(sqlState) || sqlState.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message ?? '')
  );
}

/** A unique index refused a row: with `index`, only that index's refusal counts. */
export function isUniqueViolation(error: unknown, index?: string): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && (index === undefined || constraint === index);
}

/**
 * The server failed to allocate a buffer over its 1 GB limit. Writing a large artifact does that
 * when the server logs statements with their parameters (log_min_duration_statement ≥ 0 with the
 * default log_parameter_max_length): the logged parameter is the artifact as hex text, twice its size.
 */
export function isOversizedAllocation(error: unknown): boolean {
  return /invalid memory alloc request size/.test((error as { message?: string } | undefined)?.message ?? '');
}
