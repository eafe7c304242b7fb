import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  // RFC 6749 §4.1.2.1 names it for the authorization endpoint; the closest standard code for "not
  // now": a locked-out client (429) or a full queue of secret checks (503), with Retry-After.
  | 'temporarily_unavailable';

// RFC 6749 §5.2 allows only printable ASCII without " and \ in error_description, which may
// quote client input (e.g. a scope asked for).
const describable = (text: string) => text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');

/**
 * A token-endpoint error: 401 for invalid_client, 400 for the others (RFC 6749 §5.2), or 429/503
 * for temporarily_unavailable with the seconds of Retry-After.
 */
export class OAuthException extends HttpException {
  readonly description: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    /** The client authenticated with HTTP Basic: the 401 must then challenge with Basic. */
    readonly viaBasicAuth = false,
    retry?: { status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE; afterSeconds: number },
  ) {
    super(
      { error: code, error_description: describable(description) },
      retry?.status ?? (code === 'invalid_client' ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST),
    );
    this.description = describable(description);
    this.retryAfterSeconds = retry?.afterSeconds;
  }
}

/**
 * Answers token-endpoint errors in the RFC 6749 §5.2 shape `{error, error_description}` instead of
 * the project's common error shape: OAuth2 client libraries read `error` to decide what went
 * wrong, so this one endpoint keeps the standard. Scoped to the token controller only; everything
 * else (and errors raised before the handler, such as malformed JSON) keeps the common shape.
 */
@Catch(OAuthException)
export class OAuthExceptionFilter implements ExceptionFilter<OAuthException> {
  catch(exception: OAuthException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception.code === 'invalid_client' && exception.viaBasicAuth) {
      void reply.header('www-authenticate', 'Basic realm="movie-reco"');
    }
    if (exception.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply
      .status(exception.getStatus())
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: exception.code, error_description: exception.description });
  }
}
