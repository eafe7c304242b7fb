import { ApiProperty } from '@nestjs/swagger';

const RATING_SOURCES = ['dataset', 'feedback'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];

/** The answer to POST /users/:id/ratings: the rating as stored. */
export class CreatedRatingDto {
  @ApiProperty({ example: 1 })
  userId!: number;

  @ApiProperty({ example: 1 })
  movieId!: number;

  @ApiProperty({ example: 4.5 })
  rating!: number;

  @ApiProperty({ example: '2026-11-26T09:00:00.000Z', description: 'When the service stored the rating' })
  ratedAt!: string;

  @ApiProperty({ enum: ['feedback'], example: 'feedback' })
  source!: 'feedback';

  @ApiProperty({
    example: true,
    description: 'Waiting for the next pipeline run, which adopts it into a data batch',
  })
  pending!: boolean;

  @ApiProperty({ example: 'web-backend', description: "The API client that sent it (its token's client id)" })
  clientId!: string;
}

export class UserRatingDto {
  @ApiProperty({ example: 1 })
  movieId!: number;

  @ApiProperty({ example: 'Toy Story (1995)' })
  title!: string;

  @ApiProperty({ example: 4.5 })
  rating!: number;

  @ApiProperty({ example: '2026-11-26T09:00:00.000Z' })
  ratedAt!: string;

  @ApiProperty({
    enum: RATING_SOURCES,
    example: 'feedback',
    description: 'dataset: loaded from MovieLens; feedback: sent through this API',
  })
  source!: RatingSource;

  @ApiProperty({
    example: false,
    description: 'A feedback rating no pipeline run has adopted into a data batch yet',
  })
  pending!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'web-backend',
    description: 'The API client that sent a feedback rating; null for a dataset rating',
  })
  clientId!: string | null;
}

export class UserRatingPageDto {
  @ApiProperty({ type: [UserRatingDto], description: 'Newest first; ties by movie id' })
  items!: UserRatingDto[];

  @ApiProperty({ example: 12, description: "The user's ratings over all pages" })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  limit!: number;
}
