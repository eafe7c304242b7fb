import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A source row that was not applied, kept with the reason so it can be inspected and fixed. */
@Entity({ name: 'quarantined_rows' })
export class QuarantinedRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'batch_id', type: 'integer' })
  batchId!: number;

  @Column({ type: 'text' })
  file!: string;

  @Column({ type: 'integer' })
  line!: number;

  @Column({ type: 'text' })
  raw!: string;

  @Column({ type: 'text' })
  reason!: string;
}
