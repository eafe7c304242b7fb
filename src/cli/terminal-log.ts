import type { LoggerService } from '@nestjs/common';
import { Logger, type Params, PinoLogger } from 'nestjs-pino';
import type { DestinationStream, LoggerOptions } from 'pino';
import { loggerParams } from '../common/logger.js';
import { levelName, oneLineMessage, parseLogEntry } from '../common/readable-log.js';
import type { LogLevel } from '../common/settings/logging.settings.js';

/**
 * One JSON log line as one plain line for a person at a terminal: the level and the message
 * (`warning: sharing the embedded PostgreSQL …`). The line starts by clearing the terminal's
 * current line, where a stage's ticking time may stand; the ticker redraws below it. A line
 * that is not pino's JSON passes unchanged.
 */
export function readableLogLine(json: string): string {
  const entry = parseLogEntry(json);
  if (!entry) return json;
  return `\r\x1b[K${levelName(entry.level)}: ${oneLineMessage(entry)}\n`;
}

/** A pino destination that writes each line readable (see readableLogLine). */
function readableDestination(write: (text: string) => void): DestinationStream {
  return { write: (line: string) => write(readableLogLine(line)) };
}

/**
 * The CLI's logging: its logs go to stderr (stdout holds results) as JSON lines, the same format
 * as the server's, for scripts and log collectors; on a terminal, one plain line per entry,
 * because there a person reads them beside the progress lines.
 */
export function cliLoggerParams(level: LogLevel, terminal: boolean): Params {
  const params = loggerParams(level, 'stderr');
  if (!terminal) return params;
  const [options] = params.pinoHttp as [LoggerOptions, DestinationStream];
  // Writes to a terminal are synchronous in Node, as the JSON destination's are.
  return { ...params, pinoHttp: [options, readableDestination((text) => process.stderr.write(text))] };
}

/** The start-up logger for `params` (before the application's own exists; see startupLogger). */
export function cliStartupLogger(params: Params): LoggerService {
  return new Logger(new PinoLogger(params), params);
}
