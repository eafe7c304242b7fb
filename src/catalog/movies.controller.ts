import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ListMoviesQuery } from './dto/list-movies.query.js';
import { IdParam } from '../common/paging.js';
import { MovieDto, MoviePageDto } from './dto/movie.dto.js';
import { MoviesService } from './movies.service.js';

@ApiTags('catalog')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid parameters' })
@Controller('movies')
export class MoviesController {
  constructor(private readonly movies: MoviesService) {}

  @Get()
  @ApiOkResponse({ type: MoviePageDto })
  list(@Query() query: ListMoviesQuery): Promise<MoviePageDto> {
    return this.movies.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: MovieDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No movie has this id' })
  get(@Param() params: IdParam): Promise<MovieDto> {
    return this.movies.get(params.id);
  }
}
