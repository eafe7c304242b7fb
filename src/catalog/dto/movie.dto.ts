import { ApiProperty } from '@nestjs/swagger';

export class MovieDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'Toy Story (1995)' })
  title!: string;

  @ApiProperty({ example: 1995, nullable: true, type: Number })
  year!: number | null;

  @ApiProperty({ example: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'], type: [String] })
  genres!: string[];

  @ApiProperty({ example: 215, description: 'Number of ratings' })
  ratingCount!: number;

  @ApiProperty({ example: 3.92, nullable: true, type: Number, description: 'Mean rating, 0.5 to 5' })
  ratingMean!: number | null;
}

export class MoviePageDto {
  @ApiProperty({ type: [MovieDto] })
  items!: MovieDto[];

  @ApiProperty({ example: 1, description: 'Movies matching the filters, over all pages' })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  limit!: number;
}
