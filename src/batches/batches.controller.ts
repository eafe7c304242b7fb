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
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { AppConfig } from '../config/app-config.js';
import { IdParam } from '../common/paging.js';
import { RUN_ACTIVE, SERVE_ONLY, StartedRunDto } from '../pipeline/dto.js';
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

const BAD_ID = {
  description: 'The id is not a positive integer',
  message: 'id must be a positive integer',
  path: '/admin/batches/abc',
};

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
  @ApiOperation({
    summary: 'Data batches, newest first (data:read)',
    description: 'Optionally only those of one status.',
  })
  @ApiOkResponse({ type: BatchPageDto, description: 'Data batches, newest first' })
  @ApiErrorResponse(400, {
    description: 'A bad page, limit or status',
    message: 'limit must not be greater than 100',
    path: '/admin/batches?limit=500',
  })
  list(@Query() query: ListBatchesQuery): Promise<BatchPageDto> {
    return this.batches.list(query.page, query.limit, query.status);
  }

  @Get(':id')
  @RequireScopes('data:read')
  @ApiOperation({ summary: 'One batch with its validation report (data:read)' })
  @ApiOkResponse({ type: BatchDetailDto, description: 'The batch and its validation report (null if none)' })
  @ApiErrorResponse(400, BAD_ID)
  @ApiErrorResponse(404, {
    description: 'No batch has this id',
    message: 'batch 999 not found',
    path: '/admin/batches/999',
  })
  get(@Param() params: IdParam): Promise<BatchDetailDto> {
    return this.batches.get(params.id);
  }

  @Get(':id/quarantine')
  @RequireScopes('data:read')
  @ApiOperation({
    summary: "A batch's quarantined rows (data:read)",
    description:
      'Rows of the batch not applied, by file and line, with the check they failed; optionally one check only.',
  })
  @ApiOkResponse({ type: QuarantinePageDto, description: 'Rows of the batch not applied, by file and line' })
  @ApiErrorResponse(400, BAD_ID)
  @ApiErrorResponse(404, {
    description: 'No batch has this id',
    message: 'batch 999 not found',
    path: '/admin/batches/999/quarantine',
  })
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
  @ApiOperation({
    summary: 'Upload a ratings CSV as a new batch (data:write)',
    description:
      'Streams the CSV (at most UPLOAD_MAX_BYTES), then a pipeline run ingests it like any batch: ' +
      'validated, applied as a new data version or rejected, then training as usual. Poll the run ' +
      'at its location.',
  })
  @ApiConsumes(CSV_MEDIA_TYPE)
  @ApiBody({
    description: 'Ratings CSV starting with the header userId,movieId,rating,timestamp',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiAcceptedResponse({ type: StartedRunDto, description: 'The run started; poll its location' })
  @ApiErrorResponse(400, {
    description: 'Empty body, a bad name, or a first line that is not the ratings header',
    message: 'the request body is empty: send the ratings CSV as the body',
  })
  @ApiErrorResponse(409, RUN_ACTIVE)
  @ApiErrorResponse(503, SERVE_ONLY)
  @ApiErrorResponse(413, {
    description: 'Larger than UPLOAD_MAX_BYTES',
    message: 'the upload is larger than 52428800 bytes (UPLOAD_MAX_BYTES)',
  })
  @ApiErrorResponse(415, {
    description: 'Content-Type is not text/csv',
    message: 'send the ratings CSV as the request body with Content-Type: text/csv',
  })
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
