import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { RunStatus, StageRecord } from './pipeline.types.js';

export interface PipelineRunView {
  id: number;
  trigger: string;
  status: RunStatus;
  scheduledFor: string | null;
  /** The process that ran it: pid@host. */
  runner: string | null;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  summary: string | null;
  error: string | null;
  batchId: number | null;
  dataVersion: number | null;
  stages: StageRecord[];
  drift: unknown;
}

interface RunRow {
  id: number;
  trigger: string;
  status: PipelineRunView['status'];
  scheduled_for: Date | null;
  runner: string | null;
  started_at: Date;
  finished_at: Date | null;
  summary: string | null;
  error: string | null;
  batch_id: number | null;
  data_version: number | null;
  stages: StageRecord[];
  drift: unknown;
}

function toView(row: RunRow): PipelineRunView {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    scheduledFor: row.scheduled_for?.toISOString() ?? null,
    runner: row.runner,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    seconds: row.finished_at ? (row.finished_at.getTime() - row.started_at.getTime()) / 1000 : null,
    summary: row.summary,
    error: row.error,
    batchId: row.batch_id,
    dataVersion: row.data_version,
    stages: row.stages,
    drift: row.drift,
  };
}

/** What a run records on its row as it goes. */
export interface RunProgress {
  status: RunStatus;
  stages: StageRecord[];
  summary: string | null;
  error: string | null;
  batchId?: number;
  dataVersion?: number;
  drift?: unknown;
}

/** The table `pipeline_runs`: every statement on it is here. */
@Injectable()
export class PipelineRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The newest run still marked running, if any. */
  async activeRunId(client: PoolClient): Promise<number | null> {
    const { rows } = await client.query<{ id: number }>(
      `SELECT id FROM pipeline_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1`,
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Marks runs still running as failed (interrupted): every one, or those of the given runners
   * (pid@host). Every one only while holding the pipeline lock, which a live run holds.
   */
  async markInterrupted(client: PoolClient, runners?: readonly string[]): Promise<number[]> {
    const { rows } = await client.query<{ id: number }>(
      `UPDATE pipeline_runs SET status = 'failed', finished_at = now(),
         error = 'interrupted: the process running it (' || coalesce(runner, 'unknown') || ') stopped before it finished'
       WHERE status = 'running' AND ($1::text[] IS NULL OR runner = ANY($1::text[])) RETURNING id`,
      [runners ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** The newest run marked running (in any process), as /status describes it. */
  async running(): Promise<{ runId: number; trigger: string; startedAt: Date; stage?: string } | undefined> {
    const [row] = await this.db.query<Pick<RunRow, 'id' | 'trigger' | 'started_at' | 'stages'>[]>(
      `SELECT id, trigger, started_at, stages FROM pipeline_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1`,
    );
    if (!row) return undefined;
    const stage = row.stages.findLast((record) => record.status === 'running')?.name;
    return { runId: row.id, trigger: row.trigger, startedAt: row.started_at, ...(stage ? { stage } : {}) };
  }

  /** The runners (pid@host) of the runs still marked running. */
  async runningRunners(client: PoolClient): Promise<string[]> {
    const { rows } = await client.query<{ runner: string }>(
      `SELECT DISTINCT runner FROM pipeline_runs WHERE status = 'running' AND runner IS NOT NULL`,
    );
    return rows.map((row) => row.runner);
  }

  /** Records a new run; undefined when a scheduled run of the same tick exists already. */
  async insert(
    client: PoolClient,
    trigger: string,
    scheduledFor: Date | undefined,
    runner: string,
  ): Promise<number | undefined> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO pipeline_runs (trigger, status, scheduled_for, runner) VALUES ($1, 'running', $2, $3)
       ON CONFLICT (scheduled_for) WHERE trigger = 'schedule' DO NOTHING RETURNING id`,
      [trigger, scheduledFor ?? null, runner],
    );
    return rows[0]?.id;
  }

  async save(client: PoolClient, id: number, run: RunProgress): Promise<void> {
    await client.query(
      `UPDATE pipeline_runs SET status = $2, stages = $3, summary = $4, error = $5, batch_id = $6,
         data_version = $7, drift = $8, finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END
       WHERE id = $1`,
      [
        id,
        run.status,
        JSON.stringify(run.stages),
        run.summary,
        run.error,
        run.batchId ?? null,
        run.dataVersion ?? null,
        run.drift === undefined ? null : JSON.stringify(run.drift),
      ],
    );
  }

  /**
   * The figures the metrics publish; the drift of the newest batch large enough to be measured,
   * and the new-user share of the newest batch that had one (measured on smaller batches too).
   */
  async summary(): Promise<{
    finished: Record<string, number>;
    lastSuccess: number | null;
    lastStages: StageRecord[] | null;
    drift: { measures?: Record<string, unknown> } | null;
    newUserShare: number | null;
  }> {
    const [row] = await this.db.query<
      {
        runs: Record<string, string | number>;
        last_success: number | null;
        last_stages: StageRecord[] | null;
        drift: { measures?: Record<string, unknown> } | null;
        new_user_share: number | null;
      }[]
    >(`
      SELECT
        (SELECT coalesce(json_object_agg(status, n), '{}')
           FROM (SELECT status, count(*) AS n FROM pipeline_runs WHERE status <> 'running' GROUP BY status) p) AS runs,
        (SELECT extract(epoch FROM max(finished_at))::float8 FROM pipeline_runs WHERE status = 'succeeded') AS last_success,
        (SELECT stages FROM pipeline_runs WHERE status <> 'running' ORDER BY id DESC LIMIT 1) AS last_stages,
        (SELECT drift FROM pipeline_runs WHERE drift IS NOT NULL AND drift->>'skipped' IS NULL AND status = 'succeeded'
           ORDER BY id DESC LIMIT 1) AS drift,
        (SELECT (drift->'measures'->>'new_user_share')::float8 FROM pipeline_runs
           WHERE drift->'measures'->>'new_user_share' IS NOT NULL AND status = 'succeeded'
           ORDER BY id DESC LIMIT 1) AS new_user_share`);
    return {
      finished: Object.fromEntries(Object.entries(row?.runs ?? {}).map(([k, v]) => [k, Number(v)])),
      lastSuccess: row?.last_success ?? null,
      lastStages: row?.last_stages ?? null,
      drift: row?.drift ?? null,
      newUserShare: row?.new_user_share ?? null,
    };
  }

  async list(
    page: number,
    limit: number,
  ): Promise<{ items: PipelineRunView[]; total: number; page: number; limit: number }> {
    const rows = await this.db.query<RunRow[]>(
      'SELECT * FROM pipeline_runs ORDER BY id DESC LIMIT $1 OFFSET $2',
      [limit, (page - 1) * limit],
    );
    const [count] = await this.db.query<{ count: string }[]>('SELECT count(*) FROM pipeline_runs');
    return { items: rows.map(toView), total: Number(count?.count ?? 0), page, limit };
  }

  async get(id: number): Promise<PipelineRunView> {
    const [row] = await this.db.query<RunRow[]>('SELECT * FROM pipeline_runs WHERE id = $1', [id]);
    if (!row) throw new NotFoundException(`pipeline run ${id} not found`);
    return toView(row);
  }
}
