import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { ListMoviesQuery } from './dto/list-movies.query.js';
import { IdParam } from '../common/paging.js';
import { MovieDto, MoviePageDto } from './dto/movie.dto.js';
import { MoviesService } from './movies.service.js';

@ApiTags('catalog')
@Controller('movies')
export class MoviesController {
  constructor(private readonly movies: MoviesService) {}

  @Get()
  @ApiOperation({
    summary: 'Browse and search the movies',
    description:
      'A page of movies, filtered by words of the title (search: prefixes, small typos and ' +
      'accents forgiven) and genre, sorted by relevance (the default when searching: match, then ' +
      'rating count), id, title, year or popularity; ties broken by id.',
  })
  @ApiOkResponse({ type: MoviePageDto })
  @ApiErrorResponse(400, {
    description: 'A bad query parameter',
    message: 'limit must not be greater than 100',
    path: '/movies?limit=500',
  })
  list(@Query() query: ListMoviesQuery): Promise<MoviePageDto> {
    return this.movies.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One movie: title, year, genres, rating count and mean' })
  @ApiOkResponse({ type: MovieDto })
  @ApiErrorResponse(400, {
    description: 'The id is not a positive integer',
    message: 'id must be a positive integer',
    path: '/movies/abc',
  })
  @ApiErrorResponse(404, {
    description: 'No movie has this id',
    message: 'movie 99999999 not found',
    path: '/movies/99999999',
  })
  get(@Param() params: IdParam): Promise<MovieDto> {
    return this.movies.get(params.id);
  }
}
