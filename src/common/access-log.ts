import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { LogLevel } from '../config/environment.js';
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

/** The access record of a finished request. ScopesGuard leaves the token's claims in `auth`. */
function accessRecord(request: FastifyRequest, reply: FastifyReply): AccessRecord {
  const route = request.routeOptions.url;
  const clientId = (request as FastifyRequest & { auth?: { clientId?: string } }).auth?.clientId;
  return {
    reqId: String(request.id),
    method: request.method,
    ...(route ? { route } : {}),
    path: request.url.split('?')[0] ?? request.url,
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ip: request.ip,
    ...(clientId ? { clientId } : {}),
    ...(route?.startsWith('/admin/') ? { audit: 'admin' as const } : {}),
  };
}

/** Writes exactly one line per request to `logger`, when Fastify has sent the response. */
function addAccessLog(fastify: FastifyInstance, logger: Pino): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const record = accessRecord(request, reply);
    if (record.status < 400 && QUIET_ROUTES.has(record.route ?? '')) return done();
    const level = record.status >= 500 ? 'error' : 'info';
    logger[level](
      { context: 'Access', ...record },
      `${record.method} ${record.route ?? record.path} ${record.status} ${record.durationMs} ms`,
    );
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

/** JSON logs through pino plus the HTTP access line; the CLI imports LoggerModule alone. */
@Module({})
export class HttpLoggingModule {
  static forRoot(level: LogLevel): DynamicModule {
    return {
      module: HttpLoggingModule,
      imports: [LoggerModule.forRoot(loggerParams(level))],
      providers: [AccessLog],
    };
  }
}
