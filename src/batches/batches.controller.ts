import {
  Controller,
  Get,
  HttpCode,
  InternalServerErrorException,
  Logger,
  Param,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiServiceUnavailableResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { AppConfig } from '../config/app-config.js';
import { IdParam } from '../common/paging.js';
import { StartedRunDto } from '../pipeline/dto.js';
import { PipelineRunner } from '../pipeline/pipeline-runner.js';
import { startRunForRequest } from '../pipeline/start-run-for-request.js';
import { BatchesService } from './batches.service.js';
import {
  BatchDetailDto,
  BatchPageDto,
  ListBatchesQuery,
  QuarantinePageDto,
  QuarantineQuery,
  UploadQuery,
} from './dto.js';
import { checkUploadHeader, CSV_MEDIA_TYPE, mediaTypeOf, receiveUpload, removeUpload } from './upload.js';

const DEFAULT_UPLOAD_NAME = 'upload.csv';

@ApiTags('admin: data')
@Controller('admin/batches')
export class BatchesController {
  private readonly logger = new Logger(BatchesController.name);

  constructor(
    private readonly batches: BatchesService,
    private readonly runner: PipelineRunner,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @RequireScopes('data:read')
  @ApiOkResponse({ type: BatchPageDto, description: 'Data batches, newest first' })
  list(@Query() query: ListBatchesQuery): Promise<BatchPageDto> {
    return this.batches.list(query.page, query.limit, query.status);
  }

  @Get(':id')
  @RequireScopes('data:read')
  @ApiOkResponse({ type: BatchDetailDto, description: 'The batch and its validation report (null if none)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() params: IdParam): Promise<BatchDetailDto> {
    return this.batches.get(params.id);
  }

  @Get(':id/quarantine')
  @RequireScopes('data:read')
  @ApiOkResponse({ type: QuarantinePageDto, description: 'Rows of the batch not applied, by file and line' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  quarantine(@Param() params: IdParam, @Query() query: QuarantineQuery): Promise<QuarantinePageDto> {
    return this.batches.quarantine(params.id, query.page, query.limit, query.check);
  }

  /**
   * The body is streamed to a temporary file (see CsvBodyParser), then a pipeline run ingests it
   * like any batch: validated, applied as a new data version or rejected. The file is removed when
   * the run ends.
   */
  @Post()
  @HttpCode(202)
  @RequireScopes('data:write')
  @ApiConsumes(CSV_MEDIA_TYPE)
  @ApiBody({
    description: 'Ratings CSV starting with the header userId,movieId,rating,timestamp',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiAcceptedResponse({ type: StartedRunDto, description: 'The run started; poll its location' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Empty body, a bad name, or a first line that is not the ratings header',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A run is active; activeRunId names it' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'This replica serves only (ROLE=api)',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Larger than UPLOAD_MAX_BYTES' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'Content-Type is not text/csv' })
  async upload(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: UploadQuery,
  ): Promise<StartedRunDto> {
    if (
      mediaTypeOf(request.headers['content-type']) !== CSV_MEDIA_TYPE ||
      !(request.body instanceof Readable)
    ) {
      throw new UnsupportedMediaTypeException(
        `send the ratings CSV as the request body with Content-Type: ${CSV_MEDIA_TYPE}`,
      );
    }
    const name = query.name ?? DEFAULT_UPLOAD_NAME;
    const maxBytes = this.config.pipeline.uploadMaxBytes;
    const declared = request.headers['content-length'];
    let received: { file: string; bytes: number };
    try {
      received = await receiveUpload(
        request.body,
        maxBytes,
        declared === undefined ? undefined : Number(declared),
      );
    } catch (error) {
      // The client may still be sending: do not keep reading the connection after the answer.
      if (error instanceof PayloadTooLargeException) void reply.header('connection', 'close');
      throw error;
    }

    let started;
    try {
      await checkUploadHeader(received.file, name);
      started = await startRunForRequest(this.config, () =>
        this.runner.start({ trigger: 'upload', source: { kind: 'upload', file: received.file, name } }),
      );
    } catch (error) {
      await removeUpload(received.file);
      throw error;
    }
    if (!started) {
      await removeUpload(received.file);
      throw new InternalServerErrorException('the pipeline run did not start');
    }
    void started.done.finally(() => removeUpload(received.file));
    this.logger.log({ runId: started.runId, name, bytes: received.bytes }, 'upload received');
    const location = `/admin/pipeline/runs/${started.runId}`;
    void reply.header('location', location);
    return { runId: started.runId, location };
  }
}
