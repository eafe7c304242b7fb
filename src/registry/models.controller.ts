import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthClaims, RequireScopes } from '../auth/require-scopes.decorator.js';
import type { TokenClaims } from '../auth/token.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { ModelVersionDto, ModelVersionPageDto, PromoteBody } from './dto.js';
import { RegistryService } from './registry.service.js';

@ApiTags('admin: models')
@Controller('admin/models')
export class ModelsController {
  constructor(private readonly registry: RegistryService) {}

  @Get()
  @RequireScopes('models:read')
  @ApiOkResponse({ type: ModelVersionPageDto })
  list(@Query() query: PageQuery): Promise<ModelVersionPageDto> {
    return this.registry.list(query.page, query.limit);
  }

  @Get(':id')
  @RequireScopes('models:read')
  @ApiOkResponse({ type: ModelVersionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() params: IdParam): Promise<ModelVersionDto> {
    return this.registry.get(params.id);
  }

  /** Makes any version production: promotes a candidate by hand, or rolls back to an earlier one. */
  @Post(':id/promote')
  @RequireScopes('models:write')
  @ApiOkResponse({ type: ModelVersionDto, description: 'The version, now in production' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async promote(
    @Param() params: IdParam,
    @Body() body: PromoteBody,
    @AuthClaims() claims: TokenClaims | undefined,
  ): Promise<ModelVersionDto> {
    const who = claims ? `by ${claims.clientId}` : 'by hand';
    await this.registry.promote(params.id, `promoted ${who}${body.reason ? `: ${body.reason}` : ''}`);
    return this.registry.get(params.id);
  }
}
