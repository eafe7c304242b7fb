import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, Validate } from 'class-validator';
import { PageQuery } from '../../common/paging.js';
import { IsGenre } from './is-genre.validator.js';

const MOVIE_SORTS = ['relevance', 'id', 'title', 'year', 'popularity'] as const;
export type MovieSort = (typeof MOVIE_SORTS)[number];

export class ListMoviesQuery extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Words of the title: each matches a title word exactly, as its beginning or with a typo or two (from 4 letters), ignoring case and accents',
    example: 'toy stroy',
  })
  @IsOptional()
  @Matches(/^[^\p{Cc}]*$/u, { message: 'search must not contain control characters' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  search?: string;

  @ApiPropertyOptional({
    description: 'Only movies of this genre (snake_case field name or MovieLens name)',
    example: 'sci_fi',
  })
  @IsOptional()
  @Validate(IsGenre)
  genre?: string;

  @ApiPropertyOptional({
    enum: MOVIE_SORTS,
    description:
      'Order of the results; ties are broken by id. Default: relevance (best word match: exact, then beginning, then typo; then the most rated) when searching, else id.',
  })
  @IsOptional()
  @IsIn(MOVIE_SORTS)
  sort?: MovieSort;
}
