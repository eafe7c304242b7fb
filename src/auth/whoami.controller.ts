import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WhoAmIDto } from './auth.dto.js';
import { AuthClaims, RequireScopes } from './require-scopes.decorator.js';
import type { TokenClaims } from './token.service.js';

@ApiTags('auth')
@Controller('admin')
export class WhoAmIController {
  /** Lets an operator check a token (which client, which scopes, until when) before using it. */
  @Get('whoami')
  @RequireScopes()
  @ApiOperation({ summary: 'The client and scopes of the bearer token (any valid token)' })
  @ApiOkResponse({ type: WhoAmIDto })
  whoami(@AuthClaims() claims: TokenClaims): WhoAmIDto {
    return { client_id: claims.clientId, scopes: claims.scopes, expires_at: claims.expiresAt.toISOString() };
  }
}
