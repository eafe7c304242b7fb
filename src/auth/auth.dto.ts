import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES } from '../config/scopes.js';

// Documentation only: the token endpoint reads its body itself, so that every problem is
// answered with an RFC 6749 error rather than the common validation error.
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({ description: 'Required unless sent with HTTP Basic', example: 'ops' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Required unless sent with HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({
    description: `Space-separated subset of the client's scopes (default: all of them). Known: ${SCOPES.join(', ')}`,
    example: 'pipeline:read data:read',
  })
  scope?: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT (HS256) to send as Authorization: Bearer <token>' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 3600 })
  expires_in!: number;

  @ApiProperty({ description: 'Space-separated scopes granted', example: 'pipeline:read data:read' })
  scope!: string;
}

/** RFC 6749 §5.2 error, used by the token endpoint only. */
export class OAuthErrorDto {
  @ApiProperty({
    enum: [
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
    ],
    example: 'invalid_scope',
  })
  error!: string;

  @ApiProperty({ example: 'scope not granted to this client: models:write (allowed: pipeline:read)' })
  error_description!: string;
}

export class WhoAmIDto {
  @ApiProperty({ example: 'ops' })
  client_id!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['pipeline:read', 'data:read'] })
  scopes!: string[];

  @ApiProperty({ description: 'When the token expires', example: '2026-11-26T10:00:00.000Z' })
  expires_at!: string;
}
