/**
 * pino's JSON log lines as lines a person reads at a terminal: the server's (time, level, context,
 * message, the fields that matter) and, through parseLogEntry and levelName, the CLI's. Not
 * pino-pretty: the CLI already rewrote pino's lines this way, the server's take a fixed list of
 * fields and leave Nest's wiring lines out, and pino-pretty would bring a dependency and a set of
 * options (ignore, messageFormat, a synchronous stream instead of its worker) to say as much.
 */

/** pino's numeric levels as a person reads them. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

export interface LogEntry {
  level: number;
  time?: unknown;
  msg?: unknown;
  context?: unknown;
  err?: { message?: unknown };
  [field: string]: unknown;
}

/** A line pino wrote, or undefined when it is not one (it is then passed on unchanged). */
export function parseLogEntry(json: string): LogEntry | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  return typeof (entry as { level?: unknown }).level === 'number' ? (entry as LogEntry) : undefined;
}

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? `level ${level}`;
}

/** The entry's message on one line; an error's message when the entry has no text of its own. */
export function oneLineMessage(entry: LogEntry): string {
  const message = typeof entry.msg === 'string' ? entry.msg : String(entry.err?.message ?? '');
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The fields worth a glance beside the message, in this order: which run and stage, how it ended,
 * how long and how much. The rest (pid, hostname, request ids, progress counters …) stays in the
 * JSON format.
 */
const SHOWN_FIELDS = [
  'runId',
  'stage',
  'status',
  'seconds',
  'rows',
  'version',
  'trigger',
  'attempt',
  'batchId',
  'modelVersion',
  'dataVersion',
  'statusCode',
] as const;

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** HH:MM:SS.mmm in the machine's time zone, which is the clock the person at the terminal reads. */
function clockTime(time: unknown): string {
  const date = new Date(typeof time === 'string' || typeof time === 'number' ? time : Date.now());
  if (Number.isNaN(date.getTime())) return '--:--:--.---';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Nest's wiring at start: a line per module and per route, 60 of the 70 lines a start writes. The
 * JSON format keeps them; on a terminal they bury the lines a person started the server to see.
 */
const WIRING_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
const INFO = 30;

/**
 * One server log line for a terminal: `14:03:07.412 INFO  PipelineRunner: stage train succeeded
 * runId=3 stage=train status=succeeded seconds=41.2`. An error whose message the line does not
 * already hold is added at its end; Nest's wiring lines are left out (''). A line that is not
 * pino's JSON passes unchanged.
 */
export function readableServerLine(json: string): string {
  const entry = parseLogEntry(json);
  if (!entry) return json;
  if (entry.level <= INFO && WIRING_CONTEXTS.has(String(entry.context))) return '';
  const message = oneLineMessage(entry);
  // An access line's message already says the method, route, status and duration.
  const shown = entry.context === 'Access' ? [] : SHOWN_FIELDS;
  const fields = shown
    .filter((key) => entry[key] !== undefined && entry[key] !== null)
    .map((key) => `${key}=${fieldValue(entry[key])}`);
  const error = typeof entry.err?.message === 'string' ? entry.err.message.replace(/\s*\n\s*/g, ' ') : '';
  if (error && !message.includes(error)) fields.push(`error=${JSON.stringify(error)}`);
  const level = levelName(entry.level).replace('warning', 'warn').toUpperCase().padEnd(5);
  const context = typeof entry.context === 'string' && entry.context ? `${entry.context}: ` : '';
  const tail = fields.length > 0 ? `  ${fields.join(' ')}` : '';
  return `${clockTime(entry.time)} ${level} ${context}${message}${tail}\n`;
}
