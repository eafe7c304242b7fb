import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IntegerParam } from '../../common/integer-param.js';

export class MovieIdParam {
  @ApiProperty({ description: 'MovieLens movieId', example: 1 })
  // class-validator runs the decorator nearest the property first; with stopAtFirstError the
  // type check must come first, so it is written last.
  @IntegerParam()
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  @Min(1, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id!: number;
}
