import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopesWhen } from '../auth/require-scopes.decorator.js';
import { GENRE_KEYS } from '../catalog/genres.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { IdParam } from '../common/paging.js';
import { GenreTasteBody, LimitQuery, RecommendationListDto, UserRecommendationsQuery } from './dto.js';
import { RecommendationsService } from './recommendations.service.js';

@ApiTags('recommendations')
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'No model is in production yet' })
@Controller()
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get('users/:id/recommendations')
  // The answer reveals the user's ratings ("because you rated …"): guarded in production.
  @RequireScopesWhen('userReads', 'users:read')
  @ApiOperation({
    summary: "A user's recommendations (users:read in production)",
    description:
      'Takes a bearer token with the users:read scope when USER_READS_REQUIRE_TOKEN is true, which it ' +
      'is by default with NODE_ENV=production; open otherwise.',
  })
  @ApiOkResponse({
    type: RecommendationListDto,
    description: 'Movies the user has not rated; unknown users get popular ones',
  })
  forUser(@Param() params: IdParam, @Query() query: UserRecommendationsQuery): RecommendationListDto {
    const model = this.recommendations.model();
    const since = this.recommendations.ratedSinceTraining(params.id);
    const list = model.forUser(params.id, query.limit, query.genre, since.movies, since.lastRatedAt);
    this.recommendations.count('user', list.fallback);
    return list;
  }

  @Post('users/recommendations')
  @HttpCode(200)
  @ApiOkResponse({ type: RecommendationListDto, description: 'Movies for a genre taste (a new user)' })
  forTaste(@Body() body: GenreTasteBody, @Query() query: LimitQuery): RecommendationListDto {
    const taste = Float32Array.from(
      GENRE_KEYS,
      (key) => (body as Record<string, number | undefined>)[key] ?? 0,
    );
    const list = this.recommendations.model().forTaste(taste, body.limit ?? query.limit);
    this.recommendations.count('taste', list.fallback);
    return list;
  }

  @Get('movies/:id/similar')
  @ApiOkResponse({ type: RecommendationListDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The model does not know this movie' })
  similar(@Param() params: IdParam, @Query() query: LimitQuery): RecommendationListDto {
    const model = this.recommendations.model();
    const list = model.similarTo(params.id, query.limit);
    if (!list)
      throw new NotFoundException(`movie ${params.id} is not known to model version ${model.version}`);
    this.recommendations.count('similar', list.fallback);
    return list;
  }
}
