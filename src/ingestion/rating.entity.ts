import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RatingSource = 'dataset' | 'feedback';

/** One row per user and movie: the latest rating wins. */
@Entity({ name: 'ratings' })
export class Rating {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @PrimaryColumn({ name: 'movie_id', type: 'integer' })
  movieId!: number;

  @Column({ type: 'real' })
  rating!: number;

  @Column({ name: 'rated_at', type: 'timestamptz' })
  ratedAt!: Date;

  @Column({ type: 'text' })
  source!: RatingSource;

  @Column({ name: 'batch_id', type: 'integer' })
  batchId!: number;
}
