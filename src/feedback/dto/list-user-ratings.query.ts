import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IntegerParam } from '../../common/integer-param.js';

export class ListUserRatingsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2_147_483_647, default: 1 })
  @IsOptional()
  @IntegerParam()
  @Max(2_147_483_647)
  @Min(1)
  @IsInt({ message: 'page must be an integer' })
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IntegerParam()
  @Max(100)
  @Min(1)
  @IsInt({ message: 'limit must be an integer' })
  limit: number = 20;
}
