import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StageRecord } from './pipeline.types.js';

export interface PipelineRunView {
  id: number;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
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

/** The run history, newest first. */
@Injectable()
export class PipelineRunsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
