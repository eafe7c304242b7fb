import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  BatchDetailDto,
  BatchDto,
  BatchPageDto,
  BatchStatus,
  QuarantinePageDto,
  ValidationReportDto,
} from './dto.js';

interface BatchRow {
  id: number;
  version: number | null;
  kind: string;
  status: BatchStatus;
  source: string;
  period: string | null;
  period_start: Date | null;
  period_end: Date | null;
  movies_rows: number;
  ratings_rows: number;
  feedback_rows: number;
  quarantined_rows: number;
  seconds: number;
  created_at: Date;
  pipeline_run_id: number | null;
}

interface ReportRow {
  passed: boolean;
  rows_read: number;
  rows_accepted: number;
  rows_quarantined: number;
  bad_row_share: number;
  threshold: number;
  checks: Record<string, number>;
}

const BATCH_COLUMNS = `id, version, kind, status, source, period, period_start, period_end, movies_rows,
  ratings_rows, feedback_rows, quarantined_rows, seconds, created_at, pipeline_run_id`;

function toBatch(row: BatchRow): BatchDto {
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    status: row.status,
    source: row.source,
    period: row.period,
    periodStart: row.period_start?.toISOString() ?? null,
    periodEnd: row.period_end?.toISOString() ?? null,
    moviesRows: row.movies_rows,
    ratingsRows: row.ratings_rows,
    feedbackRows: row.feedback_rows,
    quarantinedRows: row.quarantined_rows,
    seconds: row.seconds,
    createdAt: row.created_at.toISOString(),
    pipelineRunId: row.pipeline_run_id,
  };
}

function toReport(row: ReportRow): ValidationReportDto {
  return {
    passed: row.passed,
    rowsRead: row.rows_read,
    rowsAccepted: row.rows_accepted,
    rowsQuarantined: row.rows_quarantined,
    badRowShare: row.bad_row_share,
    threshold: row.threshold,
    checks: row.checks,
  };
}

/** Data batches (applied ones are the data versions, rejected ones are kept for inspection). */
@Injectable()
export class BatchesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first (ids grow with every batch recorded, applied or rejected). */
  async list(page: number, limit: number, status?: BatchStatus): Promise<BatchPageDto> {
    const rows = await this.db.query<BatchRow[]>(
      `SELECT ${BATCH_COLUMNS} FROM data_batches WHERE ($1::text IS NULL OR status = $1)
       ORDER BY id DESC LIMIT $2 OFFSET $3`,
      [status ?? null, limit, (page - 1) * limit],
    );
    const [count] = await this.db.query<{ count: string }[]>(
      'SELECT count(*) FROM data_batches WHERE ($1::text IS NULL OR status = $1)',
      [status ?? null],
    );
    return { items: rows.map(toBatch), total: Number(count?.count ?? 0), page, limit };
  }

  async get(id: number): Promise<BatchDetailDto> {
    const [row] = await this.db.query<BatchRow[]>(`SELECT ${BATCH_COLUMNS} FROM data_batches WHERE id = $1`, [
      id,
    ]);
    if (!row) throw new NotFoundException(`batch ${id} not found`);
    const [report] = await this.db.query<ReportRow[]>(
      `SELECT passed, rows_read, rows_accepted, rows_quarantined, bad_row_share, threshold, checks
       FROM validation_reports WHERE batch_id = $1`,
      [id],
    );
    return { ...toBatch(row), report: report ? toReport(report) : null };
  }

  /** The batch's quarantined rows in file order. */
  async quarantine(id: number, page: number, limit: number, check?: string): Promise<QuarantinePageDto> {
    await this.assertExists(id);
    const rows = await this.db.query<QuarantinePageDto['items']>(
      `SELECT file, line, raw, "check", reason FROM quarantined_rows
       WHERE batch_id = $1 AND ($2::text IS NULL OR "check" = $2)
       ORDER BY file, line, id LIMIT $3 OFFSET $4`,
      [id, check ?? null, limit, (page - 1) * limit],
    );
    const [count] = await this.db.query<{ count: string }[]>(
      `SELECT count(*) FROM quarantined_rows WHERE batch_id = $1 AND ($2::text IS NULL OR "check" = $2)`,
      [id, check ?? null],
    );
    return { items: rows, total: Number(count?.count ?? 0), page, limit };
  }

  private async assertExists(id: number): Promise<void> {
    const [row] = await this.db.query<{ id: number }[]>('SELECT id FROM data_batches WHERE id = $1', [id]);
    if (!row) throw new NotFoundException(`batch ${id} not found`);
  }
}
