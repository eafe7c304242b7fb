import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface DataStatus {
  /** The id of the newest applied batch; 0 before any data is loaded. */
  dataVersion: number;
  batches: number;
  movies: number;
  ratings: number;
  quarantinedRows: number;
  lastLoadedAt: string | null;
}

@Injectable()
export class DataStatusService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async dataVersion(): Promise<number> {
    const [row] = await this.dataSource.query<{ version: number | null }[]>(
      'SELECT max(id) AS version FROM data_batches',
    );
    return row?.version ?? 0;
  }

  async status(): Promise<DataStatus> {
    const [row] = await this.dataSource.query<
      {
        version: number | null;
        batches: string;
        movies: string;
        ratings: string;
        quarantined: string;
        last: Date | null;
      }[]
    >(`
      SELECT (SELECT max(id) FROM data_batches) AS version,
             (SELECT count(*) FROM data_batches) AS batches,
             (SELECT count(*) FROM movies) AS movies,
             (SELECT count(*) FROM ratings) AS ratings,
             (SELECT count(*) FROM quarantined_rows) AS quarantined,
             (SELECT max(created_at) FROM data_batches) AS last`);
    return {
      dataVersion: row?.version ?? 0,
      batches: Number(row?.batches ?? 0),
      movies: Number(row?.movies ?? 0),
      ratings: Number(row?.ratings ?? 0),
      quarantinedRows: Number(row?.quarantined ?? 0),
      lastLoadedAt: row?.last ? new Date(row.last).toISOString() : null,
    };
  }
}
