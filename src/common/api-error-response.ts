import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto.js';

/** The example timestamp of every documented error (only its format matters). */
const EXAMPLE_TIME = '2026-11-26T09:00:00.000Z';

export interface ErrorExample {
  /** What the status means on this route, shown beside the code in Swagger UI. */
  description: string;
  /** The message the route really answers (the e2e docs test compares some of them). */
  message: string;
  /** A request path that gets this answer; by default the route's own (see api-docs.ts). */
  path?: string;
  /** Extra fields of the body (activeRunId on a 409, say). */
  extra?: Record<string, unknown>;
}

/** The body the common error filter answers for `status` with this message and path. */
function errorExample(status: number, { message, path, extra }: ErrorExample) {
  return {
    statusCode: status,
    error: STATUS_CODES[status],
    message,
    ...extra,
    ...(path === undefined ? {} : { path }),
    timestamp: EXAMPLE_TIME,
  };
}

/**
 * Documents an error answer in the common shape with an example the route really gives, so
 * Swagger UI does not show the schema's generic 400 example under a 404 or a 503.
 */
export function ApiErrorResponse(status: number, example: ErrorExample): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiResponse({
      status,
      description: example.description,
      type: ErrorResponseDto,
      example: errorExample(status, example),
    }),
  );
}
