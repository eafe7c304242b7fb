import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { LogLevel } from '../config/environment.js';

const QUIET_ROUTES = new Set(['/metrics', '/status']);

/**
 * JSON logs through pino. The HTTP server logs one line per request (scrapes and health checks
 * excepted); the CLI writes logs to stderr so stdout stays for its results.
 */
export function loggerParams(level: LogLevel, destination: 'stdout' | 'stderr' = 'stdout'): Params {
  return {
    pinoHttp: [
      {
        level,
        autoLogging: { ignore: (request) => QUIET_ROUTES.has((request.url ?? '').split('?')[0] ?? '') },
        customProps: () => ({ app: 'movie-reco' }),
      },
      // Synchronous writes: an asynchronous buffer loses the last lines when the process exits on a signal.
      pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true }),
    ],
  };
}
