import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { LogFormat, LogLevel } from './settings/logging.settings.js';
import { loggerParams } from './logger.js';

/** Scrapes and probes: logged only when they fail, or they would drown the rest. */
const QUIET_ROUTES = new Set(['/metrics', '/status']);

/** What the access line says about one request. */
interface AccessRecord {
  reqId: string;
  method: string;
  /** The route pattern (`/movies/:id`); absent when no route matched (404). */
  route?: string;
  /** The path, without the query string (which may carry anything). */
  path: string;
  status: number;
  durationMs: number;
  ip: string;
  /** The OAuth2 client of a verified bearer token (a route behind @RequireScopes). */
  clientId?: string;
  /** `admin` on the admin API's routes: the audit trail of who did what. */
  audit?: 'admin';
}

/** Requests already given their line, and when each began (for one that ends in an abort). */
const LOGGED = Symbol('access-logged');
const STARTED = Symbol('access-started');
type Tracked = FastifyRequest & { [LOGGED]?: true; [STARTED]?: number };

/** The access record of a request. ScopesGuard leaves the token's claims in `auth`. */
function accessRecord(request: FastifyRequest, status: number, elapsedMs: number): AccessRecord {
  const route = request.routeOptions.url;
  const clientId = (request as FastifyRequest & { auth?: { clientId?: string } }).auth?.clientId;
  return {
    reqId: String(request.id),
    method: request.method,
    ...(route ? { route } : {}),
    path: request.url.split('?')[0] ?? request.url,
    status,
    durationMs: Math.round(elapsedMs * 10) / 10,
    ip: request.ip,
    ...(clientId ? { clientId } : {}),
    ...(route?.startsWith('/admin/') ? { audit: 'admin' as const } : {}),
  };
}

/**
 * Writes exactly one line per request to `logger`: when Fastify has sent the response, or when the
 * client (or a server timeout) closed the connection first — then with status 499, as nginx logs
 * it, since no response went out.
 */
function addAccessLog(fastify: FastifyInstance, root: Pino): void {
  // The record's fields are a fixed list, none of which can carry a credential (no headers, no
  // query string), so this one logger skips the root's redaction: matching its wildcard paths
  // costs about twice the rest of writing the line, on every request.
  const logger = root.child({ context: 'Access' }, { redact: { paths: [] } });
  const write = (request: Tracked, record: AccessRecord, extra: object = {}) => {
    if (request[LOGGED]) return;
    request[LOGGED] = true;
    // A 503 with Retry-After is a state the service announces (no model yet on a first start), not a
    // fault: an info line, and none at all for the probes, which ask every few seconds until it ends.
    const expected = record.status === 503 && 'retryAfter' in extra;
    if ((record.status < 400 || expected) && QUIET_ROUTES.has(record.route ?? '')) return;
    const level = record.status >= 500 && !expected ? 'error' : 'info';
    logger[level](
      { ...record, ...extra },
      `${record.method} ${record.route ?? record.path} ${record.status} ${record.durationMs} ms`,
    );
  };
  fastify.addHook('onRequest', (request: Tracked, _reply, done) => {
    request[STARTED] = performance.now();
    done();
  });
  fastify.addHook('onResponse', (request: Tracked, reply, done) => {
    const retryAfter = reply.getHeader('retry-after');
    write(
      request,
      accessRecord(request, reply.statusCode, reply.elapsedTime),
      retryAfter === undefined ? {} : { retryAfter: Number(retryAfter) },
    );
    done();
  });
  fastify.addHook('onRequestAbort', (request: Tracked, done) => {
    const elapsed = performance.now() - (request[STARTED] ?? performance.now());
    write(request, accessRecord(request, 499, elapsed), { aborted: true });
    done();
  });
}

@Injectable()
class AccessLog implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // Fastify builds each route's hook list when it becomes ready, after Nest's init: a hook added
  // here still runs for every route, and for requests no route matched.
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    addAccessLog(fastify, PinoLogger.root);
  }
}

/**
 * Logs through pino (JSON lines, or readable ones on a terminal) plus the HTTP access line; the
 * CLI imports LoggerModule alone.
 */
@Module({})
export class HttpLoggingModule {
  static forRoot(level: LogLevel, format: LogFormat): DynamicModule {
    return {
      module: HttpLoggingModule,
      imports: [LoggerModule.forRoot(loggerParams(level, 'stdout', format))],
      providers: [AccessLog],
    };
  }
}
