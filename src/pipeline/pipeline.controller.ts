import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { IdParam, PageQuery } from '../common/paging.js';
import {
  PipelineRunDto,
  PipelineRunPageDto,
  RUN_ACTIVE,
  SERVE_ONLY,
  StartRunQuery,
  StartedRunDto,
} from './dto.js';
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
  @ApiOperation({
    summary: 'Start a pipeline run (pipeline:run)',
    description:
      'Ingests the next batch of the replay (or pending feedback), validates, trains, evaluates and ' +
      'promotes if the gate allows, in the background. Poll the run at its location. With no new ' +
      'data the run trains only when the newest data has no model yet, or with retrain=true.',
  })
  @ApiAcceptedResponse({ type: StartedRunDto, description: 'The run started; poll its location' })
  @ApiErrorResponse(400, {
    description: 'retrain is not true or false',
    message: 'retrain must be true or false',
    path: '/admin/pipeline/runs?retrain=maybe',
  })
  @ApiErrorResponse(409, RUN_ACTIVE)
  @ApiErrorResponse(503, SERVE_ONLY)
  async trigger(@Query() query: StartRunQuery): Promise<StartedRunDto> {
    const retrain = query.retrain === 'true';
    const started = await startRunForRequest(this.config, () =>
      this.runner.start({ trigger: 'manual', retrain }),
    );
    return { runId: started!.runId, location: `/admin/pipeline/runs/${started!.runId}` };
  }

  @Get()
  @RequireScopes('pipeline:read')
  @ApiOperation({ summary: 'Pipeline runs, newest first (pipeline:read)' })
  @ApiOkResponse({ type: PipelineRunPageDto })
  @ApiErrorResponse(400, {
    description: 'A bad page or limit',
    message: 'limit must not be greater than 100',
    path: '/admin/pipeline/runs?limit=500',
  })
  list(@Query() query: PageQuery): Promise<PipelineRunPageDto> {
    return this.runs.list(query.page, query.limit);
  }

  @Get(':id')
  @RequireScopes('pipeline:read')
  @ApiOperation({ summary: 'One pipeline run with its stages and drift report (pipeline:read)' })
  @ApiOkResponse({ type: PipelineRunDto })
  @ApiErrorResponse(400, {
    description: 'The id is not a positive integer',
    message: 'id must be a positive integer',
    path: '/admin/pipeline/runs/abc',
  })
  @ApiErrorResponse(404, {
    description: 'No run has this id',
    message: 'pipeline run 999 not found',
    path: '/admin/pipeline/runs/999',
  })
  get(@Param() params: IdParam): Promise<PipelineRunDto> {
    return this.runs.get(params.id);
  }
}
