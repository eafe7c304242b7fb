import { Body, Controller, Headers, HttpCode, Logger, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { OAuthErrorDto, TokenRequestDto, TokenResponseDto } from './auth.dto.js';
import { isScope } from '../config/scopes.js';
import { OAuthException, OAuthExceptionFilter } from './oauth-error.js';
import { readTokenRequest, type TokenRequest } from './token-request.js';
import { type TokenResponse, TokenService } from './token.service.js';

@ApiTags('auth')
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  private readonly logger = new Logger('Auth');

  constructor(private readonly tokens: TokenService) {}

  /** The body is typed loosely on purpose: the global ValidationPipe then leaves it alone. */
  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Get an access token: OAuth2 client credentials (RFC 6749 §4.4)',
    description:
      'grant_type=client_credentials; the client authenticates with HTTP Basic (client_secret_basic, ' +
      "what Swagger UI's Authorize sends) or with client_id and client_secret in the body " +
      "(client_secret_post), not both. scope asks for some of the client's scopes (space-separated; " +
      'all of them when missing or empty). The token goes in Authorization: Bearer. Errors use the ' +
      'RFC 6749 §5.2 shape, not the common one.',
  })
  // Nest's FastifyAdapter (v12) parses form bodies itself; registering @fastify/formbody as well
  // makes Fastify refuse to start ("Content type parser already present").
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({
    type: OAuthErrorDto,
    description: 'invalid_request, unsupported_grant_type or invalid_scope',
  })
  @ApiUnauthorizedResponse({
    type: OAuthErrorDto,
    description: 'invalid_client',
    example: { error: 'invalid_client', error_description: 'unknown client or wrong secret' },
  })
  @ApiErrorResponse(429, {
    description:
      'More than TOKEN_RATE_LIMIT_PER_MINUTE requests a minute from this address; the wait doubles each ' +
      'minute it goes on (Retry-After). In the common error shape. Also, in the OAuth2 shape ' +
      '(temporarily_unavailable, Retry-After): a client id with 10 wrong secrets within a minute is ' +
      'locked out for a minute, doubling while it goes on (up to 15), the right secret refused too.',
    message: 'too many requests: at most 30 a minute; retry in 60 s',
  })
  @ApiServiceUnavailableResponse({
    type: OAuthErrorDto,
    description:
      'Every slot for checking a secret is busy and the queue is full (Retry-After: 1), in the OAuth2 shape.',
    example: {
      error: 'temporarily_unavailable',
      error_description: 'too many client secrets are being checked; retry in 1 s',
    },
  })
  async token(
    @Body() body: Record<string, unknown> | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Req() http: FastifyRequest,
  ): Promise<TokenResponse> {
    // RFC 6749 §5.1: a response carrying a token must not be cached.
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // The access line of the same request carries the same reqId.
    const where = { reqId: String(http.id), ip: http.ip };
    let request: TokenRequest | undefined;
    try {
      request = readTokenRequest(body, authorization);
      const response = await this.tokens.issue(request);
      this.logger.log(
        { audit: 'token', outcome: 'issued', clientId: request.clientId, scope: response.scope, ...where },
        `token issued to client ${request.clientId}`,
      );
      return response;
    } catch (error) {
      if (error instanceof OAuthException) {
        // The audit trail of failed attempts: who (as claimed), from where, and why; never the
        // secret. A client id or scope that is not a known one may be a secret typed into the
        // wrong field: it is logged masked.
        const claimed = request?.clientId ?? claimedClientId(body);
        const clientId =
          claimed === undefined || this.tokens.isKnownClient(claimed) ? claimed : mask(claimed);
        const scope = request?.scope === undefined ? undefined : maskUnknownScopes(request.scope);
        this.logger.warn(
          { audit: 'token', outcome: 'refused', clientId, scope, error: error.code, ...where },
          `token refused${clientId ? ` for client ${clientId}` : ''}: ${error.description}`,
        );
      }
      throw error;
    }
  }
}

/** The client id a request names before it is read whole (a malformed request), for the log. */
function claimedClientId(body: Record<string, unknown> | undefined): string | undefined {
  const id = body?.client_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Enough of a value to tell two apart in the logs, not enough to use it: its first two characters
 * (when it has at least eight) and its length, e.g. `wr…(22 chars)`.
 */
function mask(value: string): string {
  const length = [...value].length;
  const head =
    length >= 8
      ? [...value]
          .slice(0, 2)
          .join('')
          .replace(/[^\x21-\x7E]/g, '?')
      : '';
  return `${head}…(${length} chars)`;
}

/** The scopes asked for, those that are not scopes at all masked. */
function maskUnknownScopes(scope: string): string {
  return scope
    .split(' ')
    .filter(Boolean)
    .map((entry) => (isScope(entry) ? entry : mask(entry)))
    .join(' ');
}
