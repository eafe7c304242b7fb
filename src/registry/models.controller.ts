import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthClaims, RequireScopes } from '../auth/require-scopes.decorator.js';
import type { TokenClaims } from '../auth/token.service.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { ReplayMeasuresService } from '../evaluation/replay-measures.service.js';
import { ImpressionsService } from '../impressions/impressions.service.js';
import { ModelVersionDetailDto, ModelVersionDto, ModelVersionPageDto, PromoteBody } from './dto.js';
import { RegistryService } from './registry.service.js';

const BAD_ID = (path: string) => ({
  description: 'The id is not a positive integer',
  message: 'id must be a positive integer',
  path,
});
const NOT_FOUND = (path: string) => ({
  description: 'No model version has this id',
  message: 'model version 999 not found',
  path,
});

@ApiTags('admin: models')
@Controller('admin/models')
export class ModelsController {
  constructor(
    private readonly registry: RegistryService,
    private readonly impressions: ImpressionsService,
    private readonly replay: ReplayMeasuresService,
  ) {}

  @Get()
  @RequireScopes('models:read')
  @ApiOperation({
    summary: 'Model versions, newest first (models:read)',
    description:
      'Their stage (candidate, production, archived, rejected) and offline metrics; history is empty in lists.',
  })
  @ApiOkResponse({ type: ModelVersionPageDto })
  @ApiErrorResponse(400, {
    description: 'A bad page or limit',
    message: 'limit must not be greater than 100',
    path: '/admin/models?limit=500',
  })
  list(@Query() query: PageQuery): Promise<ModelVersionPageDto> {
    return this.registry.list(query.page, query.limit);
  }

  @Get(':id')
  @RequireScopes('models:read')
  @ApiOperation({
    summary: 'One model version with its stage history, online quality and replay figures (models:read)',
    description:
      'online: the lists it served (impressions kept for IMPRESSIONS_RETENTION_DAYS) and those a later ' +
      'rating >= 4 hit, by path. replay: its hit rate@10 on each new batch, replayed before training on it.',
  })
  @ApiOkResponse({ type: ModelVersionDetailDto })
  @ApiErrorResponse(400, BAD_ID('/admin/models/abc'))
  @ApiErrorResponse(404, NOT_FOUND('/admin/models/999'))
  async get(@Param() params: IdParam): Promise<ModelVersionDetailDto> {
    const version = await this.registry.get(params.id);
    return {
      ...version,
      online: await this.impressions.onlineQuality(params.id),
      replay: await this.replay.ofModelVersion(params.id),
    };
  }

  /** Makes any version production: promotes a candidate by hand, or rolls back to an earlier one. */
  @Post(':id/promote')
  @RequireScopes('models:write')
  @ApiOperation({
    summary: 'Promote a model version to production, or roll back (models:write)',
    description:
      'Makes any version production, whatever the promotion gate said: a candidate by hand, or an ' +
      'earlier version (a rollback). The version serving until then is archived; every serving ' +
      'process switches within a second. The optional reason is kept in the stage history. ' +
      'Promoting the version already in production changes nothing.',
  })
  @ApiCreatedResponse({ type: ModelVersionDto, description: 'The version, now in production' })
  @ApiErrorResponse(400, {
    description: 'A bad id, or a reason that is not a string of 1 to 500 characters',
    message: 'reason must be shorter than or equal to 500 characters',
    path: '/admin/models/3/promote',
  })
  @ApiErrorResponse(404, NOT_FOUND('/admin/models/999/promote'))
  @ApiErrorResponse(409, {
    description: 'Another version was promoted at the same moment',
    message: 'another version was promoted at the same time as version 3; check GET /admin/models and retry',
    path: '/admin/models/3/promote',
  })
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
