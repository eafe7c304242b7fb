import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IntegerParam } from './integer-param.js';

// With stopAtFirstError the decorator nearest the property runs first, so the type check is
// written last and a non-number is reported as such, not as out of range.

/** `page` (from 1) and `limit` (1–100) of every paged list. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 })
  @IsOptional()
  @IntegerParam()
  @Max(1_000_000)
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

/** A positive 32-bit integer id in the path (`/movies/:id`, `/users/:id/…`, `/admin/…/:id`). */
export class IdParam {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2_147_483_647, example: 1 })
  @IntegerParam()
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  @Min(1, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id!: number;
}
