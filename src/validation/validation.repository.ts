import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { copyInto, copyLine } from '../database/copy-from.js';
import type { Quarantined } from './quarantined-row.js';
import type { ValidationReport } from './validation-report.js';

interface ReportRow {
  passed: boolean;
  rows_read: number;
  rows_accepted: number;
  rows_quarantined: number;
  bad_row_share: number;
  threshold: number;
  checks: Record<string, number>;
}

export interface QuarantinedView {
  file: string;
  line: number;
  raw: string;
  check: string;
  reason: string;
}

/** The tables `validation_reports` and `quarantined_rows`: every statement on them is here. */
@Injectable()
export class ValidationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records a batch's report and its quarantined rows, in the caller's transaction. */
  async record(
    client: PoolClient,
    batchId: number,
    report: ValidationReport,
    quarantine: readonly Quarantined[],
  ): Promise<void> {
    await client.query(
      `INSERT INTO validation_reports (batch_id, passed, rows_read, rows_accepted, rows_quarantined, bad_row_share, threshold, checks)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        batchId,
        report.passed,
        report.rowsRead,
        report.rowsAccepted,
        report.rowsQuarantined,
        report.badRowShare,
        report.threshold,
        JSON.stringify(report.checks),
      ],
    );
    if (quarantine.length === 0) return;
    await copyInto(
      client,
      'quarantined_rows (batch_id, file, line, raw, "check", reason)',
      quarantine.map((row) => copyLine([batchId, row.file, row.line, row.raw, row.check, row.reason])),
    );
  }

  async report(batchId: number): Promise<ValidationReport | undefined> {
    const [row] = await this.db.query<ReportRow[]>(
      `SELECT passed, rows_read, rows_accepted, rows_quarantined, bad_row_share, threshold, checks
       FROM validation_reports WHERE batch_id = $1`,
      [batchId],
    );
    if (!row) return undefined;
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

  /** A batch's quarantined rows in file order, optionally of one check. */
  async quarantined(
    batchId: number,
    page: number,
    limit: number,
    check?: string,
  ): Promise<{ items: QuarantinedView[]; total: number }> {
    const [items, [count]] = await Promise.all([
      this.db.query<QuarantinedView[]>(
        `SELECT file, line, raw, "check", reason FROM quarantined_rows
         WHERE batch_id = $1 AND ($2::text IS NULL OR "check" = $2)
         ORDER BY file, line, id LIMIT $3 OFFSET $4`,
        [batchId, check ?? null, limit, (page - 1) * limit],
      ),
      this.db.query<{ count: string }[]>(
        `SELECT count(*) FROM quarantined_rows WHERE batch_id = $1 AND ($2::text IS NULL OR "check" = $2)`,
        [batchId, check ?? null],
      ),
    ]);
    return { items, total: Number(count?.count ?? 0) };
  }

  /** Quarantined rows of every batch by the check they failed. */
  async quarantinedByCheck(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ check: string; count: string }[]>(
      'SELECT "check", count(*) FROM quarantined_rows GROUP BY "check"',
    );
    return Object.fromEntries(rows.map((row) => [row.check, Number(row.count)]));
  }
}
