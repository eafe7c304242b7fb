import { ApiProperty } from '@nestjs/swagger';
import {
  IsInt,
  IsNumber,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

export const RATING_RULE = 'rating must be between 0.5 and 5.0 in steps of 0.5';

/** 0.5, 1.0, … 5.0: the MovieLens scale, the same rule the ingestion applies to dataset rows. */
export function isRatingValue(value: unknown): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0.5 &&
    value <= 5 &&
    Number.isInteger(value * 2)
  );
}

@ValidatorConstraint({ name: 'isRatingValue' })
class IsRatingValue implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isRatingValue(value);
  }

  defaultMessage(): string {
    return RATING_RULE;
  }
}

/** The JSON body of POST /users/:id/ratings; numbers must be JSON numbers, not strings. */
export class CreateRatingBody {
  @ApiProperty({ description: 'MovieLens movieId of a movie in the catalog', type: 'integer', example: 1 })
  @Max(2_147_483_647, { message: 'movieId must be at most 2147483647' })
  @Min(1, { message: 'movieId must be a positive integer' })
  @IsInt({ message: 'movieId must be a positive integer' })
  movieId!: number;

  @ApiProperty({
    description: 'Rating from 0.5 to 5.0 in steps of 0.5',
    minimum: 0.5,
    maximum: 5,
    multipleOf: 0.5,
    example: 4.5,
  })
  @Validate(IsRatingValue)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'rating must be a number' })
  rating!: number;
}
