import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DATA_CHANNEL } from '../database/channels.js';

export type BatchKind = 'full' | 'initial' | 'period' | 'upload' | 'feedback' | 'revert';
export type BatchStatus = 'applied' | 'rejected';

/** What a batch row records before it is applied or rejected. */
export interface BatchRecord {
  kind: BatchKind;
  source: string;
  checksum: string;
  period?: { label: string; start?: Date; end: Date };
  startedAt: number;
}

export interface BatchView {
  id: number;
  version: number | null;
  kind: string;
  status: BatchStatus;
  source: string;
  period: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  moviesRows: number;
  ratingsRows: number;
  feedbackRows: number;
  quarantinedRows: number;
  seconds: number;
  createdAt: string;
  pipelineRunId: number | null;
}

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

const COLUMNS = `id, version, kind, status, source, period, period_start, period_end, movies_rows,
  ratings_rows, feedback_rows, quarantined_rows, seconds, created_at, pipeline_run_id`;

function toView(row: BatchRow): BatchView {
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

/** The table `data_batches`: every statement on it is here. An applied batch is a data version. */
@Injectable()
export class BatchesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The end of the newest replay period applied from `source`. */
  async lastReplayedEnd(client: PoolClient, source: string): Promise<Date | undefined> {
    const { rows } = await client.query<{ end: Date | null }>(
      `SELECT max(period_end) AS end FROM data_batches
       WHERE status = 'applied' AND source = $1 AND kind IN ('initial', 'period')`,
      [source],
    );
    return rows[0]?.end ?? undefined;
  }

  /** The applied batch with this source and checksum or period, if any. */
  async appliedAlready(
    client: PoolClient,
    source: string,
    checksum: string,
    period: string | undefined,
  ): Promise<number | undefined> {
    const { rows } = await client.query<{ id: number }>(
      `SELECT id FROM data_batches WHERE status = 'applied' AND source = $1 AND (checksum = $2 OR period = $3)`,
      [source, checksum, period ?? null],
    );
    return rows[0]?.id;
  }

  /**
   * Records a batch: applied (its version comes at `markApplied`) or, given a rejection, rejected.
   * `runId` is null for a batch no run applies (a feedback revert).
   */
  async insert(
    client: PoolClient,
    batch: BatchRecord,
    runId: number | null,
    rejection?: { quarantinedRows: number },
  ): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO data_batches (source, checksum, kind, status, period, period_start, period_end, pipeline_run_id,
                                 quarantined_rows, seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        batch.source,
        batch.checksum,
        batch.kind,
        rejection ? 'rejected' : 'applied',
        batch.period?.label ?? null,
        batch.period?.start ?? null,
        batch.period?.end ?? null,
        runId,
        rejection?.quarantinedRows ?? 0,
        rejection ? (Date.now() - batch.startedAt) / 1000 : 0,
      ],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('recording the batch returned no id');
    return id;
  }

  /** Records a batch being applied as rejected instead (in its own transaction), with its counts. */
  async markRejected(
    client: PoolClient,
    id: number,
    quarantinedRows: number,
    seconds: number,
  ): Promise<void> {
    const { rowCount } = await client.query(
      `UPDATE data_batches SET status = 'rejected', quarantined_rows = $2, seconds = $3 WHERE id = $1`,
      [id, quarantinedRows, seconds],
    );
    if (rowCount !== 1) throw new Error(`batch ${id} is not recorded`);
  }

  /**
   * Gives the batch the next data version and its final counts, and announces the version to
   * every serving process when the caller's transaction commits.
   */
  async markApplied(
    client: PoolClient,
    id: number,
    counts: {
      moviesRows: number;
      ratingsRows: number;
      feedbackRows: number;
      quarantinedRows: number;
      seconds: number;
    },
  ): Promise<number> {
    const { rows } = await client.query<{ version: number }>(
      `UPDATE data_batches SET version = (SELECT coalesce(max(version), 0) + 1 FROM data_batches),
         movies_rows = $2, ratings_rows = $3, feedback_rows = $4, quarantined_rows = $5, seconds = $6
       WHERE id = $1 RETURNING version`,
      [
        id,
        counts.moviesRows,
        counts.ratingsRows,
        counts.feedbackRows,
        counts.quarantinedRows,
        counts.seconds,
      ],
    );
    const version = rows[0]?.version;
    if (version === undefined) throw new Error(`batch ${id} is not recorded`);
    await client.query('SELECT pg_notify($1, $2)', [DATA_CHANNEL, String(version)]);
    return version;
  }

  /** The newest data version; 0 before any batch was applied. */
  async dataVersion(): Promise<number> {
    const [row] = await this.db.query<{ version: number | null }[]>(
      `SELECT max(version) AS version FROM data_batches WHERE status = 'applied'`,
    );
    return row?.version ?? 0;
  }

  /** Newest first (ids grow with every batch recorded, applied or rejected). */
  async list(
    page: number,
    limit: number,
    status?: BatchStatus,
  ): Promise<{ items: BatchView[]; total: number }> {
    const [rows, [count]] = await Promise.all([
      this.db.query<BatchRow[]>(
        `SELECT ${COLUMNS} FROM data_batches WHERE ($1::text IS NULL OR status = $1)
         ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [status ?? null, limit, (page - 1) * limit],
      ),
      this.db.query<{ count: string }[]>(
        'SELECT count(*) FROM data_batches WHERE ($1::text IS NULL OR status = $1)',
        [status ?? null],
      ),
    ]);
    return { items: rows.map(toView), total: Number(count?.count ?? 0) };
  }

  /** The batches recorded before `cutoff` that quarantined rows, oldest first. */
  async withQuarantineBefore(cutoff: Date): Promise<number[]> {
    const rows = await this.db.query<{ id: number }[]>(
      'SELECT id FROM data_batches WHERE created_at < $1 AND quarantined_rows > 0 ORDER BY id',
      [cutoff],
    );
    return rows.map((row) => row.id);
  }

  async get(id: number): Promise<BatchView | undefined> {
    const [row] = await this.db.query<BatchRow[]>(`SELECT ${COLUMNS} FROM data_batches WHERE id = $1`, [id]);
    return row ? toView(row) : undefined;
  }

  /** Counts for the data status and the metrics, in one round trip. */
  async summary(): Promise<{
    dataVersion: number;
    applied: number;
    rejected: number;
    lastAppliedAt: Date | null;
    ingested: { movies: number; ratings: number; feedback: number };
  }> {
    const [row] = await this.db.query<Record<string, string | number | Date | null>[]>(`
      SELECT coalesce(max(version) FILTER (WHERE status = 'applied'), 0) AS version,
             count(*) FILTER (WHERE status = 'applied') AS applied,
             count(*) FILTER (WHERE status = 'rejected') AS rejected,
             max(created_at) FILTER (WHERE status = 'applied') AS last,
             coalesce(sum(movies_rows) FILTER (WHERE status = 'applied'), 0) AS movies,
             coalesce(sum(ratings_rows) FILTER (WHERE status = 'applied'), 0) AS ratings,
             coalesce(sum(feedback_rows) FILTER (WHERE status = 'applied'), 0) AS feedback
      FROM data_batches`);
    return {
      dataVersion: Number(row?.version ?? 0),
      applied: Number(row?.applied ?? 0),
      rejected: Number(row?.rejected ?? 0),
      lastAppliedAt: row?.last ? new Date(row.last) : null,
      ingested: {
        movies: Number(row?.movies ?? 0),
        ratings: Number(row?.ratings ?? 0),
        feedback: Number(row?.feedback ?? 0),
      },
    };
  }
}
