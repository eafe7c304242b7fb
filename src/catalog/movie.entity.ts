import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'movies' })
export class Movie {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  /** The title as the source spells it, release year included, e.g. "Toy Story (1995)". */
  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'smallint', nullable: true })
  year!: number | null;

  @Column({ type: 'text', array: true })
  genres!: string[];

  @Column({ name: 'rating_count', type: 'integer', default: 0 })
  ratingCount!: number;

  @Column({ name: 'rating_mean', type: 'real', nullable: true })
  ratingMean!: number | null;
}
