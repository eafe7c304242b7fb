import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one shape of every 4xx and 5xx answer. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'limit must not be greater than 100' })
  message!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Every problem found, when there is more than one',
    example: [
      'limit must not be greater than 100',
      'property color should not exist; accepted: search, genre, sort, page, limit',
    ],
  })
  details?: string[];

  @ApiPropertyOptional({
    description: 'On GET /status only: every health check with its state (terminus format)',
    type: 'object',
    additionalProperties: true,
  })
  health?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'On 409 from a route that starts a pipeline run: the run that is active',
  })
  activeRunId?: number | null;

  @ApiProperty({ example: '/movies?limit=500' })
  path!: string;

  @ApiProperty({ example: '2026-11-26T09:00:00.000Z' })
  timestamp!: string;
}
