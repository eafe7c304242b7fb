import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { setupSwagger } from './api-docs.js';
import { AppModule } from './app.module.js';
import { TokenService } from './auth/token.service.js';
import type { ErrorResponseDto } from './common/error-response.dto.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { strictJsonParser } from './common/json-body.js';
import { startupLogger } from './common/logger.js';
import { registerRateLimits } from './common/rate-limits.js';
import { armShutdownDeadline } from './common/shutdown-deadline.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

export interface CreateAppOptions {
  /** Close gracefully on SIGTERM/SIGINT (the server does; tests that boot many apps do not). */
  shutdownHooks?: boolean;
}

/**
 * Errors Fastify raises before a route runs (an undecodable URL, say) get the common error shape
 * too; Nest's filters never see them.
 */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
  void reply.status(statusCode).send({
    statusCode,
    error: statusCode === 400 ? 'Bad Request' : 'Client Error',
    message: error.message,
    path: request.url,
    timestamp: new Date().toISOString(),
  } satisfies ErrorResponseDto);
}

/**
 * Helmet's default headers (Nest's built-in equivalent). The CSP lets Swagger UI at /docs run: its
 * scripts and styles are files served from /docs; it styles elements inline and shows data: images
 * (the logo). No upgrade-insecure-requests: the service speaks plain HTTP behind TLS termination,
 * and on a plain-HTTP origin the directive would send /docs' own assets to https.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
} as const;

/** A hop count as the function proxy-addr makes of it (the adapter's type takes no number). */
function trustProxyOption(value: AppConfig['http']['trustProxy']) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

/** The client id of a valid bearer token (for rate limits); undefined when there is none. */
function clientIdentifier(app: NestFastifyApplication): (token: string) => string | undefined {
  let tokens: TokenService | undefined;
  try {
    tokens = app.get(TokenService, { strict: false });
  } catch {
    tokens = undefined;
  }
  return (token) => {
    try {
      return tokens?.verify(token).clientId;
    } catch {
      return undefined;
    }
  };
}

/** Builds the HTTP application (not yet listening) the same way for the server and the e2e tests. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      // JSON and form bodies; the CSV upload streams and enforces UPLOAD_MAX_BYTES itself.
      bodyLimit: config.http.bodyMaxBytes,
      trustProxy: trustProxyOption(config.http.trustProxy),
      // A request must have fully arrived within requestTimeout (408; Node checks every 30 s), and a
      // connection silent that long is closed: slow-body senders cannot hold sockets open.
      requestTimeout: config.http.requestTimeoutMs,
      connectionTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      frameworkErrors: answerFrameworkError,
    }),
    // Start-up messages go to the same pino logger at once (not buffered), so they carry the
    // time they happened.
    { abortOnError: false, logger: startupLogger(config.logLevel, 'stdout', config.logFormat) },
  );
  app.useLogger(app.get(Logger));
  app.useSecurityHeaders(SECURITY_HEADERS);
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', {}, strictJsonParser(fastify.getDefaultJsonParser('error', 'error')));
  await registerRateLimits(app, config.rateLimits, clientIdentifier(app));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  // Exit (0) once closed rather than re-raising the signal: the process's exit handlers then
  // write out the buffered log lines (src/common/logger.ts).
  if (options.shutdownHooks) {
    app.enableShutdownHooks([], { useProcessExit: true });
    const logger = app.get(Logger);
    armShutdownDeadline({
      graceMs: config.shutdownGraceMs,
      lastly: () => EmbeddedPostgres.stopAll(),
      log: (message) => logger.error(message, 'Shutdown'),
    });
  }
  setupSwagger(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
