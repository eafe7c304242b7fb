import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class MovieIdParam {
  @ApiProperty({ description: 'MovieLens movieId', example: 1 })
  @Type(() => Number)
  @IsInt({ message: 'id must be a positive integer' })
  @Min(1, { message: 'id must be a positive integer' })
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  id!: number;
}
