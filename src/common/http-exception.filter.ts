import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-errors.js';
import type { ErrorResponseDto } from './error-response.dto.js';
import { NotReadyException } from './not-ready.exception.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function messagesOf(response: unknown, fallback: string): string[] {
  if (typeof response === 'string') return [response];
  const message = (response as { message?: unknown } | null)?.message;
  if (Array.isArray(message)) return message.map(String);
  if (typeof message === 'string') return [message];
  return [fallback];
}

function healthOf(response: unknown): Record<string, unknown> | undefined {
  const health = (response as { health?: unknown } | null)?.health;
  return health && typeof health === 'object' ? (health as Record<string, unknown>) : undefined;
}

/** Errors raised by Fastify itself (bad JSON, wrong content type, body too large) carry a 4xx statusCode. */
function isClientError(error: unknown): error is Error & { statusCode: number } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/** Turns every error into the one error shape; unknown errors become a 500 that reveals nothing. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();

    let statusCode: number;
    let messages: string[];
    if (exception instanceof HttpException) {
      statusCode = exception.getStatus();
      messages = messagesOf(exception.getResponse(), exception.message);
    } else if (isClientError(exception)) {
      statusCode = exception.statusCode;
      messages = [exception.message];
    } else if (isDatabaseUnavailable(exception)) {
      statusCode = HttpStatus.SERVICE_UNAVAILABLE;
      messages = ['the database is unavailable; try again shortly'];
      this.logger.warn(
        { err: exception, path: request.url, reqId: String(request.id) },
        'database unavailable',
      );
    } else {
      statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
      messages = ['Internal server error'];
      this.logger.error({ err: exception, path: request.url, reqId: String(request.id) }, 'unhandled error');
    }
    if (exception instanceof NotReadyException) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
      this.logger.debug({ path: request.url, statusCode, reqId: String(request.id) }, messages.join('; '));
    } else if (statusCode >= 500 && exception instanceof HttpException) {
      this.logger.warn({ path: request.url, statusCode, reqId: String(request.id) }, messages.join('; '));
    }

    const response = exception instanceof HttpException ? exception.getResponse() : undefined;
    const health = healthOf(response);
    const activeRunId = (response as { activeRunId?: number | null } | undefined)?.activeRunId;
    const body: ErrorResponseDto = {
      statusCode,
      error: REASONS[statusCode] ?? (statusCode >= 500 ? 'Server Error' : 'Client Error'),
      message: messages.join('; '),
      ...(messages.length > 1 ? { details: messages } : {}),
      ...(health ? { health } : {}),
      ...(activeRunId !== undefined ? { activeRunId } : {}),
      path: request.url,
      timestamp: new Date().toISOString(),
    };
    void reply.status(statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
