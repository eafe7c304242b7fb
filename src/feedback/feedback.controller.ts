import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActsForUser, AuthClaims, RequireScopes } from '../auth/require-scopes.decorator.js';
import type { TokenClaims } from '../auth/token.service.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { CreateRatingBody } from './dto/create-rating.body.js';
import { CreatedRatingDto, UserRatingPageDto } from './dto/rating.dto.js';
import { FeedbackService } from './feedback.service.js';

@ApiTags('feedback')
@ApiErrorResponse(400, {
  description: 'Invalid user id, query or body',
  message: 'id must be a positive integer',
  path: '/users/abc/ratings',
})
@Controller('users')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post(':id/ratings')
  @RequireScopes('feedback:write')
  @ActsForUser()
  @ApiOperation({
    summary: 'Rate a movie (feedback:write)',
    description:
      'For the platform backend that speaks for its users: a bearer token from POST /oauth/token ' +
      '(client credentials) with the feedback:write scope; a client bound to users (AUTH_CLIENTS ' +
      '"users") gets 403 for any other user. Stores the rating as of now with source "feedback" and ' +
      'the client id. It replaces any earlier rating of this user for this movie for training (the ' +
      'latest wins; the earlier one is kept as history, restored if this client is reverted) and ' +
      'stays pending until a pipeline run adopts it into a data batch (each run adopts at most ' +
      'FEEDBACK_MAX_ROWS_PER_RUN ratings and the ratings of FEEDBACK_MAX_NEW_USERS_PER_RUN users it ' +
      'does not know; the rest waits for the next run). Always answers 201, also when it replaces an ' +
      'earlier rating: every call records a new rating with its own ratedAt.',
  })
  @ApiCreatedResponse({ type: CreatedRatingDto })
  @ApiErrorResponse(404, { description: 'No movie has this movieId', message: 'movie 99999999 not found' })
  @ApiErrorResponse(429, {
    description:
      'More than FEEDBACK_RATE_LIMIT_PER_MINUTE ratings from this client, or FEEDBACK_USER_RATE_LIMIT_PER_MINUTE ' +
      'for this user, in any minute (a sliding window; Retry-After)',
    message: 'too many requests: at most 600 ratings for client web-backend in any 60 s; retry in 42 s',
  })
  rate(
    @Param() params: IdParam,
    @Body() body: CreateRatingBody,
    @AuthClaims() claims: TokenClaims | undefined,
  ): Promise<CreatedRatingDto> {
    // The guard has verified a token with feedback:write before this runs.
    if (!claims) throw new Error('a rating reached the route without a token');
    return this.feedback.rate(params.id, body.movieId, body.rating, claims.clientId);
  }

  @Get(':id/ratings')
  @RequireScopes('feedback:read')
  @ActsForUser()
  @ApiOperation({
    summary: "A user's ratings (feedback:read)",
    description:
      "Takes a bearer token with the feedback:read scope (403 for a user outside a bound client's " +
      '"users"). Newest first (ties by movie id), from the dataset and from feedback, each feedback ' +
      'rating with the client that sent it. A user with no ratings gets an empty page, not 404.',
  })
  @ApiOkResponse({ type: UserRatingPageDto })
  list(@Param() params: IdParam, @Query() query: PageQuery): Promise<UserRatingPageDto> {
    return this.feedback.list(params.id, query.page, query.limit);
  }
}
