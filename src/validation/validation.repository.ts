import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
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

  /**
   * Records a batch's report and at most `maxRows` of its quarantined rows (keptQuarantine), in
   * the caller's transaction: the batch's own, whose staging_quarantine
   * (src/ingestion/batch-staging.ts) holds them. The report counts them all.
   */
  async record(
    client: PoolClient,
    batchId: number,
    report: ValidationReport,
    maxRows: number,
  ): Promise<void> {
    await this.recordReport(client, batchId, report);
    await client.query(
      `INSERT INTO quarantined_rows (batch_id, file, line, raw, "check", reason)
       SELECT $1, file, line, raw, "check", reason FROM (${keptQuarantine(maxRows)}) kept ORDER BY file, line`,
      [batchId],
    );
  }

  async recordReport(client: PoolClient, batchId: number, report: ValidationReport): Promise<void> {
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
  }

  /**
   * Streams the quarantined rows staged on `staged` (a batch about to be rolled back) into
   * `quarantined_rows` on `target`, as rows of `batchId`: COPY out piped into COPY in, so no more
   * than a chunk of them is ever in this process.
   */
  async copyStagedQuarantine(
    staged: PoolClient,
    target: PoolClient,
    batchId: number,
    maxRows: number,
  ): Promise<void> {
    if (!Number.isSafeInteger(batchId)) throw new Error(`not a batch id: ${batchId}`);
    const out = staged.query(
      copyTo(
        `COPY (SELECT ${batchId}, file, line, raw, "check", reason FROM (${keptQuarantine(maxRows)}) kept
         ORDER BY file, line) TO STDOUT`,
      ),
    );
    const into = target.query(
      copyFrom('COPY quarantined_rows (batch_id, file, line, raw, "check", reason) FROM STDIN'),
    );
    await pipeline(out, into);
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

  /**
   * Deletes the quarantined rows of `batchIds` (batches older than the retention, found by their
   * owner); how many went, by batch.
   */
  async deleteOfBatches(batchIds: readonly number[]): Promise<{ batchId: number; rows: number }[]> {
    if (batchIds.length === 0) return [];
    const rows = await this.db.query<{ batch_id: number; rows: string }[]>(
      `WITH gone AS (DELETE FROM quarantined_rows WHERE batch_id = ANY($1::integer[]) RETURNING batch_id)
       SELECT batch_id, count(*) AS rows FROM gone GROUP BY batch_id ORDER BY batch_id`,
      [batchIds],
    );
    return rows.map((row) => ({ batchId: row.batch_id, rows: Number(row.rows) }));
  }

  /**
   * The rows `quarantined_rows` holds and the bytes it takes on disk, indexes and TOAST included
   * (a count(*): the cap and the retention bound the table).
   */
  async storage(): Promise<{ rows: number; bytes: number }> {
    const [row] = await this.db.query<{ rows: string; bytes: string }[]>(
      `SELECT (SELECT count(*) FROM quarantined_rows) AS rows, pg_total_relation_size('quarantined_rows') AS bytes`,
    );
    return { rows: Number(row?.rows ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * Quarantined rows of every batch by the check they failed, as the batches' reports counted them:
   * rows over the per-batch cap and rows pruned by the retention still count, so the total only grows.
   */
  async quarantinedByCheck(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ check: string; count: string }[]>(
      `SELECT c.key AS "check", sum(c.value::bigint) AS count
       FROM validation_reports r, jsonb_each_text(r.checks) c GROUP BY c.key`,
    );
    return Object.fromEntries(rows.map((row) => [row.check, Number(row.count)]));
  }
}

/**
 * The staged quarantined rows a batch keeps: at most `maxRows`, taken round-robin over the checks
 * (the first row of each check, then the second…, in file order), so the rows kept show every
 * reason even when one check fills the cap many times over.
 */
function keptQuarantine(maxRows: number): string {
  if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw new Error(`not a row cap: ${maxRows}`);
  return `SELECT file, line, raw, "check", reason FROM (
            SELECT *, row_number() OVER (PARTITION BY "check" ORDER BY file, line) AS nth FROM staging_quarantine
          ) ranked ORDER BY nth, file, line LIMIT ${maxRows}`;
}
