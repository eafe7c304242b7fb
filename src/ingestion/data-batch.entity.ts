import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One applied load of data; its id is the data version. */
@Entity({ name: 'data_batches' })
export class DataBatch {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Where the rows came from, e.g. "movielens:ml-latest-small". */
  @Column({ type: 'text' })
  source!: string;

  /** sha256 over the source files, so the same data is never applied twice. */
  @Column({ type: 'text' })
  checksum!: string;

  @Column({ name: 'movies_rows', type: 'integer', default: 0 })
  moviesRows!: number;

  @Column({ name: 'ratings_rows', type: 'integer', default: 0 })
  ratingsRows!: number;

  @Column({ name: 'quarantined_rows', type: 'integer', default: 0 })
  quarantinedRows!: number;

  @Column({ type: 'real', default: 0 })
  seconds!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
