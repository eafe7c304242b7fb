import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface DataStatus {
  /** The version of the newest applied batch; 0 before any data is loaded. */
  dataVersion: number;
  batches: number;
  rejectedBatches: number;
  movies: number;
  ratings: number;
  /** Feedback ratings waiting for the next pipeline run. */
  pendingFeedback: number;
  quarantinedRows: number;
  lastLoadedAt: string | null;
}

@Injectable()
export class DataStatusService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async dataVersion(): Promise<number> {
    const [row] = await this.dataSource.query<{ version: number | null }[]>(
      `SELECT max(version) AS version FROM data_batches WHERE status = 'applied'`,
    );
    return row?.version ?? 0;
  }

  async status(): Promise<DataStatus> {
    const [row] = await this.dataSource.query<Record<string, string | number | Date | null>[]>(`
      SELECT (SELECT max(version) FROM data_batches WHERE status = 'applied') AS version,
             (SELECT count(*) FROM data_batches WHERE status = 'applied') AS batches,
             (SELECT count(*) FROM data_batches WHERE status = 'rejected') AS rejected,
             (SELECT count(*) FROM movies) AS movies,
             (SELECT count(*) FROM ratings) AS ratings,
             (SELECT count(*) FROM ratings WHERE batch_id IS NULL) AS pending,
             (SELECT count(*) FROM quarantined_rows) AS quarantined,
             (SELECT max(created_at) FROM data_batches WHERE status = 'applied') AS last`);
    return {
      dataVersion: Number(row?.version ?? 0),
      batches: Number(row?.batches ?? 0),
      rejectedBatches: Number(row?.rejected ?? 0),
      movies: Number(row?.movies ?? 0),
      ratings: Number(row?.ratings ?? 0),
      pendingFeedback: Number(row?.pending ?? 0),
      quarantinedRows: Number(row?.quarantined ?? 0),
      lastLoadedAt: row?.last ? new Date(row.last).toISOString() : null,
    };
  }
}
