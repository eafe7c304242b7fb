import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { PipelineRunDto, PipelineRunPageDto, StartedRunDto } from './dto.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineRunsRepository } from './pipeline-runs.repository.js';
import { startRunForRequest } from './start-run-for-request.js';
import { AppConfig } from '../config/app-config.js';

@ApiTags('admin: pipeline')
@Controller('admin/pipeline/runs')
export class PipelineController {
  constructor(
    private readonly runner: PipelineRunner,
    private readonly runs: PipelineRunsRepository,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('pipeline:run')
  @ApiAcceptedResponse({ type: StartedRunDto, description: 'The run started; poll its location' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A run is active; activeRunId names it' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'This replica serves only (ROLE=api)',
  })
  async trigger(): Promise<StartedRunDto> {
    const started = await startRunForRequest(this.config, () => this.runner.start({ trigger: 'manual' }));
    return { runId: started!.runId, location: `/admin/pipeline/runs/${started!.runId}` };
  }

  @Get()
  @RequireScopes('pipeline:read')
  @ApiOkResponse({ type: PipelineRunPageDto })
  list(@Query() query: PageQuery): Promise<PipelineRunPageDto> {
    return this.runs.list(query.page, query.limit);
  }

  @Get(':id')
  @RequireScopes('pipeline:read')
  @ApiOkResponse({ type: PipelineRunDto })
  get(@Param() params: IdParam): Promise<PipelineRunDto> {
    return this.runs.get(params.id);
  }
}
