import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { IdParam, PageQuery } from '../common/paging.js';
import { CreateRatingBody } from './dto/create-rating.body.js';
import { CreatedRatingDto, UserRatingPageDto } from './dto/rating.dto.js';
import { FeedbackService } from './feedback.service.js';

@ApiTags('feedback')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid user id, query or body' })
@Controller('users')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post(':id/ratings')
  @ApiOperation({
    summary: 'Rate a movie',
    description:
      'Stores the rating as of now with source "feedback". It replaces any earlier rating of this user ' +
      'for this movie (the latest wins) and stays pending until the next pipeline run adopts it into a ' +
      'data batch. Always answers 201, also when it replaces an earlier rating: every call records a ' +
      'new rating with its own ratedAt.',
  })
  @ApiCreatedResponse({ type: CreatedRatingDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No movie has this movieId' })
  rate(@Param() params: IdParam, @Body() body: CreateRatingBody): Promise<CreatedRatingDto> {
    return this.feedback.rate(params.id, body.movieId, body.rating);
  }

  @Get(':id/ratings')
  @ApiOperation({
    summary: "A user's ratings",
    description:
      'Newest first (ties by movie id), from the dataset and from feedback. A user with no ratings ' +
      'gets an empty page, not 404.',
  })
  @ApiOkResponse({ type: UserRatingPageDto })
  list(@Param() params: IdParam, @Query() query: PageQuery): Promise<UserRatingPageDto> {
    return this.feedback.list(params.id, query.page, query.limit);
  }
}
