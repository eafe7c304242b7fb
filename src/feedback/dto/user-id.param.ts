import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IntegerParam } from '../../common/integer-param.js';

export class UserIdParam {
  @ApiProperty({
    description: 'MovieLens userId (or any positive 32-bit integer the client uses)',
    type: 'integer',
    minimum: 1,
    maximum: 2_147_483_647,
    example: 1,
  })
  // With stopAtFirstError the decorator nearest the property runs first: the type check, written last.
  @IntegerParam()
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  @Min(1, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id!: number;
}
