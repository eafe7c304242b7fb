import { ServiceUnavailableException } from '@nestjs/common';

/**
 * A 503 that is a state, not a fault: the service cannot answer yet (no model loaded on a first
 * start) and says why. Answered with Retry-After, logged at debug rather than as a warning per
 * request.
 */
export class NotReadyException extends ServiceUnavailableException {
  constructor(
    response: string | Record<string, unknown>,
    readonly retryAfterSeconds: number,
  ) {
    super(response);
  }
}
