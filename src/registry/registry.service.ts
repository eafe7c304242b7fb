import { createHash } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { isOversizedAllocation, isUniqueViolation } from '../common/database-errors.js';
import { PROMOTION_CHANNEL } from '../database/channels.js';
import { inTransaction } from '../database/pool-client.js';

export const MODEL_STAGES = ['candidate', 'production', 'rejected', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface StageChange {
  from: ModelStage | null;
  to: ModelStage;
  reason: string;
  at: string;
}

export interface ModelVersionView {
  id: number;
  algorithm: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  dataVersion: number;
  pipelineRunId: number | null;
  trainingSeconds: number;
  artifactBytes: number;
  artifactSha256: string;
  stage: ModelStage;
  createdAt: string;
  history: StageChange[];
}

/** What training hands the registry: the view's lineage and metrics, plus the artifact. */
export type NewModelVersion = Pick<
  ModelVersionView,
  'algorithm' | 'params' | 'metrics' | 'dataVersion' | 'pipelineRunId' | 'trainingSeconds'
> & { artifact: Uint8Array };

interface VersionRow {
  id: number;
  algorithm: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  data_version: number;
  pipeline_run_id: number | null;
  training_seconds: number;
  artifact_bytes: number;
  artifact_sha256: string;
  stage: ModelStage;
  created_at: Date;
}

const COLUMNS = `id, algorithm, params, metrics, data_version, pipeline_run_id, training_seconds,
  octet_length(artifact) AS artifact_bytes, artifact_sha256, stage, created_at`;

/** Model versions: what was trained on which data, how it scored, and which one serves. */
/** PostgreSQL refuses a field of 1 GiB or more (the connection drops); a margin for the message. */
const MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024 - 64 * 1024 * 1024;

/**
 * How much of an artifact one query reads. Small slices: node-postgres receives a very large row
 * far more slowly per byte than many small ones.
 */
const ARTIFACT_SLICE_BYTES = 1024 * 1024;

@Injectable()
export class RegistryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(page: number, limit: number) {
    const rows = await this.db.query<VersionRow[]>(
      `SELECT ${COLUMNS} FROM model_versions ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, (page - 1) * limit],
    );
    const [count] = await this.db.query<{ count: string }[]>('SELECT count(*) FROM model_versions');
    return { items: rows.map((row) => this.toView(row, [])), total: Number(count?.count ?? 0), page, limit };
  }

  async get(id: number): Promise<ModelVersionView> {
    const [row] = await this.db.query<VersionRow[]>(`SELECT ${COLUMNS} FROM model_versions WHERE id = $1`, [
      id,
    ]);
    if (!row) throw new NotFoundException(`model version ${id} not found`);
    const changes = await this.db.query<
      { from_stage: ModelStage | null; to_stage: ModelStage; reason: string; changed_at: Date }[]
    >(
      'SELECT from_stage, to_stage, reason, changed_at FROM model_stage_changes WHERE model_version_id = $1 ORDER BY id',
      [id],
    );
    return this.toView(
      row,
      changes.map((c) => ({
        from: c.from_stage,
        to: c.to_stage,
        reason: c.reason,
        at: c.changed_at.toISOString(),
      })),
    );
  }

  /** The production version's id and NDCG@10, if one serves. */
  async production(): Promise<
    | { id: number; metrics: Record<string, number>; algorithm: string; params: Record<string, unknown> }
    | undefined
  > {
    const [row] = await this.db.query<VersionRow[]>(
      `SELECT ${COLUMNS} FROM model_versions WHERE stage = 'production'`,
    );
    return row
      ? { id: row.id, metrics: row.metrics, algorithm: row.algorithm, params: row.params }
      : undefined;
  }

  /**
   * The newest data version a model was trained on and decided (promoted, archived or rejected);
   * 0 when none. A version left a candidate was cut off before the gate (a crash).
   */
  async newestDecidedDataVersion(): Promise<number> {
    const [row] = await this.db.query<{ version: number | null }[]>(
      `SELECT max(data_version) AS version FROM model_versions WHERE stage <> 'candidate'`,
    );
    return row?.version ?? 0;
  }

  /** The figures the metrics publish: the newest version's training time, production's NDCG@10. */
  async summary(): Promise<{ latestTrainingSeconds: number | null; productionNdcg: number | null }> {
    const [row] = await this.db.query<{ training_seconds: number | null; production_ndcg: string | null }[]>(`
      SELECT (SELECT training_seconds FROM model_versions ORDER BY id DESC LIMIT 1) AS training_seconds,
             (SELECT metrics->>'ndcg@10' FROM model_versions WHERE stage = 'production') AS production_ndcg`);
    return {
      latestTrainingSeconds: row?.training_seconds ?? null,
      productionNdcg: row?.production_ndcg == null ? null : Number(row.production_ndcg),
    };
  }

  async artifact(
    id: number,
  ): Promise<{ bytes: Uint8Array; sha256: string; algorithm: string; dataVersion: number }> {
    const [row] = await this.db.query<
      { size: number; artifact_sha256: string; algorithm: string; data_version: number }[]
    >(
      'SELECT octet_length(artifact) AS size, artifact_sha256, algorithm, data_version FROM model_versions WHERE id = $1',
      [id],
    );
    if (!row) throw new NotFoundException(`model version ${id} not found`);
    const bytes = new Uint8Array(row.size);
    const hash = createHash('sha256');
    // In slices (the column is stored uncompressed, so each reads only its own part): a bytea comes
    // back as hex text, and a whole large artifact's would pass the longest string V8 can hold.
    for (let offset = 0; offset < row.size; offset += ARTIFACT_SLICE_BYTES) {
      const [slice] = await this.db.query<{ part: Buffer }[]>(
        'SELECT substring(artifact FROM $2 FOR $3) AS part FROM model_versions WHERE id = $1',
        [id, offset + 1, ARTIFACT_SLICE_BYTES],
      );
      if (!slice) throw new NotFoundException(`model version ${id} not found`);
      bytes.set(slice.part, offset);
      hash.update(slice.part);
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== row.artifact_sha256) {
      throw new Error(
        `model version ${id}: artifact sha256 ${sha256} does not match the recorded ${row.artifact_sha256}`,
      );
    }
    return { bytes, sha256, algorithm: row.algorithm, dataVersion: row.data_version };
  }

  /** Records a trained version as a candidate. */
  async register(version: NewModelVersion, reason: string): Promise<number> {
    if (version.artifact.byteLength > MAX_ARTIFACT_BYTES) {
      throw new Error(
        `the model artifact is ${version.artifact.byteLength} bytes, over the ${MAX_ARTIFACT_BYTES} a PostgreSQL ` +
          'field can hold: lower MODEL_PARAMS maxItems or cacheSize',
      );
    }
    const sha256 = createHash('sha256').update(version.artifact).digest('hex');
    return this.insertVersion(version, sha256, reason).catch((error: Error) => {
      if (!isOversizedAllocation(error)) throw error;
      throw new Error(
        `${error.message}: PostgreSQL could not allocate twice the ${version.artifact.byteLength}-byte artifact, as a ` +
          'server that logs statements with their parameters (log_min_duration_statement on) does to write it as hex; ' +
          'set log_parameter_max_length (e.g. 1024) there, or lower MODEL_PARAMS maxItems or cacheSize',
        { cause: error },
      );
    });
  }

  private insertVersion(version: NewModelVersion, sha256: string, reason: string): Promise<number> {
    return inTransaction(this.db, async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO model_versions (algorithm, params, metrics, data_version, pipeline_run_id, training_seconds,
                                     artifact, artifact_sha256, stage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'candidate') RETURNING id`,
        [
          version.algorithm,
          JSON.stringify(version.params),
          JSON.stringify(version.metrics),
          version.dataVersion,
          version.pipelineRunId,
          version.trainingSeconds,
          Buffer.from(version.artifact),
          sha256,
        ],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('registering the version returned no id');
      await client.query(
        `INSERT INTO model_stage_changes (model_version_id, from_stage, to_stage, reason) VALUES ($1, NULL, 'candidate', $2)`,
        [id, reason],
      );
      return id;
    });
  }

  /**
   * Makes a version production (the one serving is archived) and, unless `announce` is false,
   * announces it to every serving process; any earlier version may be promoted again, which is how
   * a rollback is done. The pipeline announces in its deploy stage, once the artifact is checked.
   */
  async promote(id: number, reason: string, { announce = true } = {}): Promise<void> {
    try {
      await this.promoteInTransaction(id, reason, announce);
    } catch (error) {
      // Two promotions of different versions at once: each archives the production version it
      // saw, and the later commit then finds another one production (the partial unique index).
      if (!isUniqueViolation(error, 'model_versions_production_idx')) throw error;
      throw new ConflictException(
        `another version was promoted at the same time as version ${id}; check GET /admin/models and retry`,
      );
    }
  }

  private async promoteInTransaction(id: number, reason: string, announce: boolean): Promise<void> {
    await inTransaction(this.db, async (client) => {
      const { rows } = await client.query<{ stage: ModelStage }>(
        'SELECT stage FROM model_versions WHERE id = $1 FOR UPDATE',
        [id],
      );
      const current = rows[0];
      if (!current) throw new NotFoundException(`model version ${id} not found`);
      if (current.stage === 'production') return;
      const previous = await client.query<{ id: number }>(
        `UPDATE model_versions SET stage = 'archived' WHERE stage = 'production' RETURNING id`,
      );
      for (const old of previous.rows) {
        await this.recordChange(client, old.id, 'production', 'archived', `replaced by version ${id}`);
      }
      await client.query(`UPDATE model_versions SET stage = 'production' WHERE id = $1`, [id]);
      await this.recordChange(client, id, current.stage, 'production', reason);
      if (announce) await client.query(`SELECT pg_notify($1, $2)`, [PROMOTION_CHANNEL, String(id)]);
    });
  }

  /** Tells every serving process to load version `id` (it loads whatever is production). */
  async announce(id: number): Promise<void> {
    await this.db.query(`SELECT pg_notify($1, $2)`, [PROMOTION_CHANNEL, String(id)]);
  }

  async reject(id: number, reason: string): Promise<void> {
    await inTransaction(this.db, async (client) => {
      const { rows } = await client.query<{ stage: ModelStage }>(
        `UPDATE model_versions SET stage = 'rejected' WHERE id = $1 AND stage = 'candidate' RETURNING stage`,
        [id],
      );
      if (rows.length > 0) await this.recordChange(client, id, 'candidate', 'rejected', reason);
    });
  }

  private async recordChange(
    client: PoolClient,
    id: number,
    from: ModelStage,
    to: ModelStage,
    reason: string,
  ) {
    await client.query(
      'INSERT INTO model_stage_changes (model_version_id, from_stage, to_stage, reason) VALUES ($1, $2, $3, $4)',
      [id, from, to, reason],
    );
  }

  private toView(row: VersionRow, history: StageChange[]): ModelVersionView {
    return {
      id: row.id,
      algorithm: row.algorithm,
      params: row.params,
      metrics: row.metrics,
      dataVersion: row.data_version,
      pipelineRunId: row.pipeline_run_id,
      trainingSeconds: row.training_seconds,
      artifactBytes: Number(row.artifact_bytes),
      artifactSha256: row.artifact_sha256,
      stage: row.stage,
      createdAt: row.created_at.toISOString(),
      history,
    };
  }
}
