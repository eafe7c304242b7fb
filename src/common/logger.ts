import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { Logger, type Params, PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config/environment.js';

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

/** The pino options of every log line the server and the CLI write: one JSON-lines format. */
export function pinoOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { app: 'movie-reco', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/**
 * nestjs-pino's parameters. Its own per-request line (pino-http's `autoLogging`) is off: that
 * middleware only sees the requests Nest's middleware path matching lets through, and logs every
 * request header. The access line is written by src/common/access-log.ts instead, from Fastify's
 * own hook, which sees every request. `quietReqLogger` keeps request headers out of the lines
 * logged while a request runs.
 */
export function loggerParams(level: LogLevel, destination: 'stdout' | 'stderr' = 'stdout'): Params {
  return {
    pinoHttp: [
      { ...pinoOptions(level), autoLogging: false, quietReqLogger: true },
      // Synchronous writes: an asynchronous buffer loses the last lines when the process exits on a signal.
      pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true }) as DestinationStream,
    ],
  };
}

/**
 * A Nest logger for the start-up, before the application's own exists: it writes to the same pino
 * logger the application then uses (nestjs-pino keeps one per process), at once rather than
 * buffered, so the start-up lines carry the time they happened and the same format as the rest.
 */
export function startupLogger(level: LogLevel, destination: 'stdout' | 'stderr' = 'stdout'): LoggerService {
  const params = loggerParams(level, destination);
  return new Logger(new PinoLogger(params), params);
}

/**
 * Writes one `fatal` line for a process that fails before (or without) its application logger:
 * a refused configuration, a failed start. Same JSON-lines format, on stderr.
 */
export function logFatal(message: string, fields: Record<string, unknown> = {}): void {
  pino(pinoOptions('fatal'), pino.destination({ fd: 2, sync: true })).fatal(fields, message);
}
