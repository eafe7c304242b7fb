import { ConflictException, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { PipelineRunDto, PipelineRunPageDto, StartedRunDto } from './dto.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineRunsService } from './pipeline-runs.service.js';
import { PipelineBusyError } from './pipeline.types.js';

/** Maps "a run is active" to 409 with the active run's id, for every route that starts a run. */
export async function startOr409<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof PipelineBusyError) {
      throw new ConflictException({ message: error.message, activeRunId: error.activeRunId });
    }
    throw error;
  }
}

@ApiTags('admin: pipeline')
@Controller('admin/pipeline/runs')
export class PipelineController {
  constructor(
    private readonly runner: PipelineRunner,
    private readonly runs: PipelineRunsService,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('pipeline:run')
  @ApiAcceptedResponse({ type: StartedRunDto, description: 'The run started; poll its location' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A run is active; activeRunId names it' })
  async trigger(): Promise<StartedRunDto> {
    const started = await startOr409(() => this.runner.start({ trigger: 'manual' }));
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
