import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class MovieIdParam {
  @ApiProperty({ description: 'MovieLens movieId', example: 1 })
  // class-validator runs the decorator nearest the property first; with stopAtFirstError the
  // type check must come first, so it is written last.
  @Type(() => Number)
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  @Min(1, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id!: number;
}
