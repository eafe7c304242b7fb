import { Body, ConflictException, Controller, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { IngestBusyError } from '../ingestion/feedback-revert.js';
import { FeedbackRevertDto, parseRevertTime, RevertFeedbackBody } from './dto/revert.dto.js';
import { FeedbackService } from './feedback.service.js';

/** Removing what a compromised client sent: the same as `npm run cli -- feedback revert`. */
@ApiTags('admin: data')
@Controller('admin/feedback')
export class FeedbackAdminController {
  private readonly logger = new Logger(FeedbackAdminController.name);

  constructor(private readonly feedback: FeedbackService) {}

  @Post('revert')
  @HttpCode(200)
  @RequireScopes('data:write')
  @ApiOperation({
    summary: "Remove a client's ratings from a time on (data:write)",
    description:
      'Removes every rating the client sent at or after `since`, also those a later rating had ' +
      "replaced, and puts back the older rating (the dataset's, another client's) each had replaced. " +
      'Applied as a data batch of kind "revert": a new data version, so the next pipeline run trains ' +
      'a model without them. Revoke the client first (remove it from AUTH_CLIENTS). 409 while a run ' +
      'applies a batch.',
  })
  @ApiOkResponse({ type: FeedbackRevertDto })
  @ApiErrorResponse(400, {
    description: 'Invalid body',
    message:
      'since must be an ISO 8601 time with its offset (2026-11-26T09:00:00Z, 2026-11-26T10:00+01:00) or a date (2026-11-26, midnight UTC)',
  })
  @ApiErrorResponse(409, {
    description: 'A pipeline run is applying a batch; retry when it has ended',
    message: 'a data batch is being applied (a pipeline run): retry when the run has ended',
  })
  async revert(@Body() body: RevertFeedbackBody): Promise<FeedbackRevertDto> {
    const since = parseRevertTime(body.since)!;
    try {
      const result = await this.feedback.revert(body.clientId, since, { wait: false });
      this.logger.warn(
        { audit: 'feedback-revert', clientId: body.clientId, since: since.toISOString(), ...result },
        `reverted the feedback of client ${body.clientId} since ${since.toISOString()}: ${result.ratings} rating(s) removed`,
      );
      const { batchId: _batchId, ...counts } = result;
      return { clientId: body.clientId, since: since.toISOString(), ...counts };
    } catch (error) {
      if (error instanceof IngestBusyError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
