import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { type LoggerService, RequestMethod } from '@nestjs/common';
import { Logger, type Params, PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { LogFormat, LogLevel } from './settings/logging.settings.js';
import { readableServerLine } from './readable-log.js';

/**
 * Fields that may hold a credential, wherever a log line carries them: request and response
 * headers (pino-http's `req`/`res` serialisers, or a logged `headers` object) and the fields of
 * a token request or a client definition. `*` is one level of nesting (pino fast-redact syntax).
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'authorization',
  'cookie',
  'client_secret',
  'secret',
  'password',
  'access_token',
  'jwtSecret',
  '*.authorization',
  '*.cookie',
  '*.client_secret',
  '*.secret',
  '*.password',
  '*.access_token',
  '*.jwtSecret',
  '*.*.client_secret',
  '*.*.secret',
  '*.*.password',
];

/**
 * The pino options of every log line the server and the CLI write: one JSON-lines format (on a
 * terminal, each line is then rewritten readable: readableLogs).
 */
export function pinoOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { app: 'movie-reco', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/**
 * The routes whose handlers log while they run (the admin API, token grants, ratings): their lines
 * carry the request's reqId, as its access line does. The public read routes log nothing of their
 * own, and a request logger per request costs them more than their handlers do.
 */
const REQUEST_LOGGER_ROUTES: NonNullable<Params['forRoutes']> = [
  { path: 'admin/{*path}', method: RequestMethod.ALL },
  { path: 'oauth/{*path}', method: RequestMethod.ALL },
  { path: 'users/:id/ratings', method: RequestMethod.ALL },
];

/** Lines held before a write, unless SERVER_LOG_FLUSH_MS passes first. */
const SERVER_LOG_BUFFER_BYTES = 4096;
const SERVER_LOG_FLUSH_MS = 250;
let serverStream: DestinationStream | undefined;

/**
 * The server's stdout, written a few lines at a time: one write call per line (the access line of
 * every request) costs the server more CPU than building the line. Lines wait at most
 * SERVER_LOG_FLUSH_MS; pino writes what is left synchronously when the process exits, which a
 * stop on a signal does too (see createApp's shutdown hooks). Only a SIGKILL loses the last lines.
 * The CLI (stderr) writes each line at once: it is short-lived and prints progress beside it.
 */
function serverLogStream(): DestinationStream {
  serverStream ??= pino.destination({
    fd: 1,
    sync: false,
    minLength: SERVER_LOG_BUFFER_BYTES,
    periodicFlush: SERVER_LOG_FLUSH_MS,
  }) as DestinationStream;
  return serverStream;
}

let readableStream: DestinationStream | undefined;

/**
 * The server's stdout as readable lines (src/common/readable-log.ts), each written at once: a
 * person at a terminal reads them as they come, and a terminal takes a few lines a second, not the
 * thousands the buffered JSON destination is there for.
 */
function readableServerStream(): DestinationStream {
  if (!readableStream) {
    const stdout = pino.destination({ fd: 1, sync: true });
    readableStream = {
      write: (line: string) => {
        const text = readableServerLine(line);
        if (text) stdout.write(text);
      },
    };
  }
  return readableStream;
}

/**
 * Whether the server writes readable lines rather than JSON: LOG_FORMAT=pretty, or auto (the
 * default) with stdout on a terminal. Log collectors read a pipe or a file, so they keep JSON.
 */
export function readableLogs(format: LogFormat, terminal = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && terminal);
}

/**
 * nestjs-pino's parameters. Its own per-request line (pino-http's `autoLogging`) is off: that
 * middleware only sees the requests Nest's middleware path matching lets through, and logs every
 * request header. The access line is written by src/common/access-log.ts instead, from Fastify's
 * own hook, which sees every request. `quietReqLogger` keeps request headers out of the lines
 * logged while a request runs.
 */
export function loggerParams(
  level: LogLevel,
  destination: 'stdout' | 'stderr' = 'stdout',
  format: LogFormat = 'json',
): Params {
  const stdout = readableLogs(format) ? readableServerStream() : serverLogStream();
  return {
    forRoutes: REQUEST_LOGGER_ROUTES,
    pinoHttp: [
      { ...pinoOptions(level), autoLogging: false, quietReqLogger: true },
      destination === 'stdout' ? stdout : pino.destination({ fd: 2, sync: true }),
    ],
  };
}

/**
 * A Nest logger for the start-up, before the application's own exists: it writes to the same pino
 * logger the application then uses (nestjs-pino keeps one per process), at once rather than
 * buffered, so the start-up lines carry the time they happened and the same format as the rest.
 */
export function startupLogger(
  level: LogLevel,
  destination: 'stdout' | 'stderr' = 'stdout',
  format: LogFormat = 'json',
): LoggerService {
  const params = loggerParams(level, destination, format);
  return new Logger(new PinoLogger(params), params);
}

/**
 * LOG_FORMAT read straight from the environment, for a process that may have no configuration:
 * a value that is not a format counts as auto (the configuration refuses it with the rest).
 */
function environmentLogFormat(env: NodeJS.ProcessEnv): LogFormat {
  const value = env.LOG_FORMAT?.trim().toLowerCase();
  return value === 'json' || value === 'pretty' ? value : 'auto';
}

/**
 * Writes one `fatal` line for a process that fails before (or without) its application logger:
 * a refused configuration, a failed start. On stderr: the JSON-lines format, or on a terminal
 * (see readableLogs) the message alone, as written — the configuration's problems one a line —
 * since it is the last thing the process says and a person is there to act on it.
 */
export function logFatal(
  message: string,
  fields: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (readableLogs(environmentLogFormat(env), process.stderr.isTTY === true)) {
    writeSync(2, `${message}\n`);
    return;
  }
  pino(pinoOptions('fatal'), pino.destination({ fd: 2, sync: true })).fatal(fields, message);
}
