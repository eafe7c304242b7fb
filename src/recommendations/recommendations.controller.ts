import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActsForUser, RequireScopesWhen } from '../auth/require-scopes.decorator.js';
import { GENRE_KEYS } from '../core/index.js';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { IdParam } from '../common/paging.js';
import { ImpressionsService } from '../impressions/impressions.service.js';
import { GenreTasteBody, LimitQuery, RecommendationListDto, UserRecommendationsQuery } from './dto.js';
import { RecommendationsService } from './recommendations.service.js';

@ApiTags('recommendations')
@ApiErrorResponse(503, {
  description:
    'No model is loaded yet, with Retry-After: the message says what the service waits on (a run ' +
    'and its stage, a failed start-up run) or, as here, that nothing was trained',
  message:
    'no model is in production yet: run the pipeline (`npm run cli -- pipeline run`, or POST /admin/pipeline/runs)',
})
@Controller()
export class RecommendationsController {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly impressions: ImpressionsService,
  ) {}

  @Get('users/:id/recommendations')
  // The answer reveals the user's ratings ("because you rated …"): guarded in production.
  @RequireScopesWhen('userReads', 'users:read')
  @ActsForUser()
  @ApiOperation({
    summary: "A user's recommendations (users:read in production)",
    description:
      'Takes a bearer token with the users:read scope when USER_READS_REQUIRE_TOKEN is true, which it ' +
      'is by default with NODE_ENV=production; open otherwise. Movies the user has not rated (also ' +
      'since the model was trained), best first, each with its reason. A user the model does not ' +
      'know gets popular movies with fallback "popularity" until they rate, then movies like the ' +
      'ones they rated.',
  })
  @ApiOkResponse({
    type: RecommendationListDto,
    description: 'Movies the user has not rated; unknown users get popular ones',
    example: {
      listId: '019af5c2-7e41-7b3a-9c0d-5e8f1a2b3c4d',
      modelVersion: 1,
      fallback: null,
      path: 'returning',
      items: [
        {
          movieId: 356,
          title: 'Forrest Gump (1994)',
          genres: ['Comedy', 'Drama', 'Romance', 'War'],
          score: 0.5148,
          reason: 'because you rated Apollo 13 (1995)',
        },
      ],
    },
  })
  @ApiErrorResponse(400, {
    description: 'A bad id, limit or genre',
    message: 'limit must not be greater than 100',
    path: '/users/1/recommendations?limit=500',
  })
  forUser(@Param() params: IdParam, @Query() query: UserRecommendationsQuery): RecommendationListDto {
    const list = this.recommendations.forUser(params.id, query.limit, query.genre);
    this.recommendations.count('user', list.fallback);
    return { listId: this.impressions.record(list, { endpoint: 'user', userId: params.id }), ...list };
  }

  @Post('users/recommendations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Recommendations for a genre taste (a new user)',
    description:
      "The body is the seed's 20-genre taste profile: any of the twenty MovieLens genres as " +
      'snake_case fields, each a weight from 0 to 1000; only the proportions matter and a missing ' +
      'genre weighs 0. The answer: films most liked by people of that taste, in the stated genres. ' +
      'All weights 0 (or an empty body) answers popular movies with fallback "popularity". limit ' +
      'goes in the body or the query (the body wins).',
  })
  @ApiOkResponse({
    type: RecommendationListDto,
    description: 'Movies for a genre taste (a new user)',
    example: {
      listId: '019af5c2-8a10-7d2e-8f31-6a7b8c9d0e1f',
      modelVersion: 1,
      fallback: null,
      path: 'taste',
      items: [
        {
          movieId: 589,
          title: 'Terminator 2: Judgment Day (1991)',
          genres: ['Action', 'Sci-Fi'],
          score: 42.709,
          reason: 'matches your taste for Action',
        },
      ],
    },
  })
  @ApiErrorResponse(400, {
    description: 'A weight that is not a number from 0 to 1000, or an unknown field',
    message: 'comedy must be a number',
  })
  forTaste(@Body() body: GenreTasteBody, @Query() query: LimitQuery): RecommendationListDto {
    const taste = Float32Array.from(
      GENRE_KEYS,
      (key) => (body as Record<string, number | undefined>)[key] ?? 0,
    );
    const list = this.recommendations.model().forTaste(taste, body.limit ?? query.limit);
    this.recommendations.count('taste', list.fallback);
    return { listId: this.impressions.record(list, { endpoint: 'taste' }), ...list };
  }

  @Get('movies/:id/similar')
  @ApiOperation({
    summary: 'Movies similar to a movie',
    description:
      'Movies rated alike by the same users (item-item neighbours), or of the same genres for a ' +
      'movie too rarely rated; the reason says which.',
  })
  @ApiOkResponse({
    type: RecommendationListDto,
    example: {
      listId: '019af5c2-9b22-74c5-a1d6-7e8f9a0b1c2d',
      modelVersion: 1,
      fallback: null,
      path: 'similar',
      items: [
        {
          movieId: 1073,
          title: 'Willy Wonka & the Chocolate Factory (1971)',
          genres: ['Children', 'Comedy', 'Fantasy', 'Musical'],
          score: 0.6033,
          reason: 'rated alike with Toy Story (1995)',
        },
      ],
    },
  })
  @ApiErrorResponse(400, {
    description: 'A bad id or limit',
    message: 'id must be a positive integer',
    path: '/movies/abc/similar',
  })
  @ApiErrorResponse(404, {
    description: 'The model does not know this movie',
    message: 'movie 99999999 is not known to model version 1',
    path: '/movies/99999999/similar',
  })
  similar(@Param() params: IdParam, @Query() query: LimitQuery): RecommendationListDto {
    const model = this.recommendations.model();
    const list = model.similarTo(params.id, query.limit);
    if (!list)
      throw new NotFoundException(`movie ${params.id} is not known to model version ${model.version}`);
    this.recommendations.count('similar', list.fallback);
    return { listId: this.impressions.record(list, { endpoint: 'similar' }), ...list };
  }
}
