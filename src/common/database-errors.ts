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
