import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { documentSwitchedScopes } from './auth/switched-scopes.js';
import type { ErrorResponseDto } from './common/error-response.dto.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { startupLogger } from './common/logger.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';

export interface CreateAppOptions {
  /** Close gracefully on SIGTERM/SIGINT (the server does; tests that boot many apps do not). */
  shutdownHooks?: boolean;
}

function setupSwagger(app: NestFastifyApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('movie-reco')
      .setDescription(
        'Movie recommendations with their own daily MLOps loop: catalog, data, health and metrics.',
      )
      .setVersion('0.1.0')
      // Guarded routes (@RequireScopes) take a token from POST /oauth/token as Authorization: Bearer.
      .addBearerAuth()
      .build(),
  );
  documentSwitchedScopes(document, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
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

/** Builds the HTTP application (not yet listening) the same way for the server and the e2e tests. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 1_048_576, frameworkErrors: answerFrameworkError }),
    // Start-up messages go to the same pino logger at once (not buffered), so they carry the
    // time they happened.
    { abortOnError: false, logger: startupLogger(config.logLevel) },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  if (options.shutdownHooks) app.enableShutdownHooks();
  setupSwagger(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
