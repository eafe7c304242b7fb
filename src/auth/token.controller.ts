import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OAuthErrorDto, TokenRequestDto, TokenResponseDto } from './auth.dto.js';
import { OAuthExceptionFilter } from './oauth-error.js';
import { readTokenRequest } from './token-request.js';
import { type TokenResponse, TokenService } from './token.service.js';

@ApiTags('auth')
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  /** The body is typed loosely on purpose: the global ValidationPipe then leaves it alone. */
  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'OAuth2 client-credentials token (RFC 6749 §4.4)',
    description:
      'Client credentials in the body or with HTTP Basic. Errors use the RFC 6749 §5.2 shape, not the common one.',
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
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'invalid_client' })
  token(
    @Body() body: Record<string, unknown> | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): TokenResponse {
    // RFC 6749 §5.1: a response carrying a token must not be cached.
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return this.tokens.issue(readTokenRequest(body, authorization));
  }
}
