import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min, Validate } from 'class-validator';
import { IsGenre } from '../catalog/dto/is-genre.validator.js';
import { GENRE_KEYS } from '../catalog/genres.js';
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

/**
 * A new user's taste: a weight from 0 to MAX_TASTE_WEIGHT per genre; only the proportions matter.
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
    example: key === 'comedy' ? 2 : undefined,
  })(target, key);
  IsOptional()(target, key);
  // Applied in the order they run (stopAtFirstError): the type first, then the range.
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: `${key} must be a number` })(target, key);
  Min(0, { message: `${key} must be between 0 and ${MAX_TASTE_WEIGHT}` })(target, key);
  Max(MAX_TASTE_WEIGHT, { message: `${key} must be between 0 and ${MAX_TASTE_WEIGHT}` })(target, key);
}

export class RecommendedItemDto {
  @ApiProperty({ example: 1 }) movieId!: number;
  @ApiProperty({ example: 'Toy Story (1995)' }) title!: string;
  @ApiProperty({ type: [String] }) genres!: string[];
  @ApiProperty({ example: 0.42 }) score!: number;
  @ApiProperty({ example: 'picked from your ratings' }) reason!: string;
}

export class RecommendationListDto {
  @ApiProperty({ example: 3, description: 'The model version that produced this answer' })
  modelVersion!: number;
  @ApiProperty({
    enum: ['popularity'],
    nullable: true,
    description: 'Set when the answer is not personalised',
  })
  fallback!: 'popularity' | null;
  @ApiProperty({ type: [RecommendedItemDto] }) items!: RecommendedItemDto[];
}
