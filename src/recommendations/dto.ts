import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min, Validate } from 'class-validator';
import { IsGenre } from '../catalog/dto/is-genre.validator.js';
import { GENRE_KEYS, type GenreKey, GENRES, type ServedPath } from '../core/index.js';
import { IntegerParam } from '../common/integer-param.js';

export class LimitQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @IntegerParam()
  @Max(100)
  @Min(1)
  @IsInt({ message: 'limit must be an integer' })
  limit: number = 10;
}

export class UserRecommendationsQuery extends LimitQuery {
  @ApiPropertyOptional({
    description: 'Only movies of this genre (snake_case or MovieLens name)',
    example: 'comedy',
  })
  @IsOptional()
  @Validate(IsGenre)
  genre?: string;
}

/**
 * The largest taste weight. Weights are scored as Float32 (3.4e38 at most); only proportions
 * matter, so a bound far below that loses nothing and keeps every product finite.
 */
export const MAX_TASTE_WEIGHT = 1000;

/** The taste Swagger UI fills in for "Try it out": action and sci-fi, a little comedy. */
const TASTE_EXAMPLE: Partial<Record<GenreKey, number>> = { action: 5, sci_fi: 4, comedy: 1 };

/**
 * A new user's taste: the seed's 20-genre profile, a weight from 0 to MAX_TASTE_WEIGHT per
 * MovieLens genre (GENRES); only the proportions matter.
 * `limit` may come with it (the body is where a client building a request puts it) or in the query.
 */
export class GenreTasteBody {
  constructor() {
    for (const key of GENRE_KEYS) (this as Record<string, unknown>)[key] = undefined;
  }

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    description: 'How many movies (1–100); also accepted in the query; the body wins. Default 10',
  })
  @IsOptional()
  @Max(100, { message: 'limit must not be greater than 100' })
  @Min(1, { message: 'limit must not be less than 1' })
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;
}
for (const key of GENRE_KEYS) {
  const target = GenreTasteBody.prototype;
  ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: MAX_TASTE_WEIGHT,
    description: `Weight of the MovieLens genre "${GENRES[key]}" (0 when missing)`,
    example: TASTE_EXAMPLE[key],
  })(target, key);
  IsOptional()(target, key);
  // Applied in the order they run (stopAtFirstError): the type first, then the range.
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: `${key} must be a number` })(target, key);
  Min(0, { message: `${key} must be between 0 and ${MAX_TASTE_WEIGHT}` })(target, key);
  Max(MAX_TASTE_WEIGHT, { message: `${key} must be between 0 and ${MAX_TASTE_WEIGHT}` })(target, key);
}

export class RecommendedItemDto {
  @ApiProperty({ example: 356 }) movieId!: number;
  @ApiProperty({ example: 'Forrest Gump (1994)' }) title!: string;
  @ApiProperty({ type: [String], example: ['Comedy', 'Drama', 'Romance', 'War'] }) genres!: string[];
  @ApiProperty({
    example: 0.5148,
    description: "The model's score, for ordering only (a rating count for popular movies)",
  })
  score!: number;
  @ApiProperty({
    example: 'because you rated Apollo 13 (1995)',
    description:
      'Why it is recommended: "because you rated <title>" or "like the films you rated" (a user), ' +
      '"matches your taste for <genre>" or "popular with people of your taste" (a taste), ' +
      '"rated alike with <title>" or "same genres as ' +
      '<title>" (similar movies), "popular with everyone" or "popular in <genre>" (fallback)',
  })
  reason!: string;
}

export class RecommendationListDto {
  @ApiProperty({
    format: 'uuid',
    example: '019af5c2-7e41-7b3a-9c0d-5e8f1a2b3c4d',
    description:
      "This answer's id (a UUID version 7: it sorts by the time it was served). What was served (the list, the user, the model version, the path) is recorded " +
      "under it; a rating >= 4 the user sends later of a movie of their newest list is that list's hit, " +
      'the online quality of the version and path',
  })
  listId!: string;
  @ApiProperty({ example: 3, description: 'The model version that produced this answer' })
  modelVersion!: number;
  @ApiProperty({
    enum: ['popularity'],
    nullable: true,
    description: 'Set when the answer is not personalised',
  })
  fallback!: 'popularity' | null;
  @ApiProperty({
    enum: ['session', 'returning', 'new-user', 'taste', 'similar', 'fallback'],
    example: 'returning',
    description:
      'Which part of the model answered: a known user in session (rated within the session length) ' +
      'or back after a while, a user the model never saw ranked from the ratings they sent since, a ' +
      'genre taste, similar movies, or the popularity fallback',
  })
  path!: ServedPath;
  @ApiProperty({ type: [RecommendedItemDto] }) items!: RecommendedItemDto[];
}
