import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { metricKey } from '../core/index.js';
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

/** A model version as stored, without its stage history. */
export interface ModelVersion {
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
}

/** An artifact to store, read a part at a time (the pipeline's is in a temporary file). */
export interface ArtifactSource {
  byteLength: number;
  sha256: string;
  /** The bytes in order, at most `partBytes` at a time. */
  parts(partBytes: number): AsyncIterable<Uint8Array>;
}

/** What training hands the registry: the version's lineage and metrics, plus the artifact. */
export type NewModelVersion = Pick<
  ModelVersion,
  'algorithm' | 'params' | 'metrics' | 'dataVersion' | 'pipelineRunId' | 'trainingSeconds'
> & { artifact: Uint8Array | ArtifactSource };

/** Bytes of one stored part of an artifact. */
export const ARTIFACT_PART_BYTES = 64 * 1024 * 1024;

/** What is known of a stored artifact before its bytes are read. */
export interface ArtifactHead {
  size: number;
  sha256: string;
  algorithm: string;
  dataVersion: number;
}

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
  artifact_bytes, artifact_sha256, stage, created_at`;

function toModelVersion(row: VersionRow): ModelVersion {
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
  };
}

/**
 * The tables `model_versions` and `model_stage_changes`: every statement on them is here. The
 * methods that take a client run in the caller's transaction (opened with `transaction`).
 */
@Injectable()
export class RegistryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `work` on one connection inside a transaction: committed when it resolves, else rolled back. */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** A page of versions, newest first, and how many there are in all. */
  async list(page: number, limit: number): Promise<{ items: ModelVersion[]; total: number }> {
    const rows = await this.db.query<VersionRow[]>(
      `SELECT ${COLUMNS} FROM model_versions ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, (page - 1) * limit],
    );
    const [count] = await this.db.query<{ count: string }[]>('SELECT count(*) FROM model_versions');
    return { items: rows.map(toModelVersion), total: Number(count?.count ?? 0) };
  }

  async find(id: number): Promise<ModelVersion | undefined> {
    const [row] = await this.db.query<VersionRow[]>(`SELECT ${COLUMNS} FROM model_versions WHERE id = $1`, [
      id,
    ]);
    return row && toModelVersion(row);
  }

  /** A version's stage changes, oldest first. */
  async history(id: number): Promise<StageChange[]> {
    const changes = await this.db.query<
      { from_stage: ModelStage | null; to_stage: ModelStage; reason: string; changed_at: Date }[]
    >(
      'SELECT from_stage, to_stage, reason, changed_at FROM model_stage_changes WHERE model_version_id = $1 ORDER BY id',
      [id],
    );
    return changes.map((c) => ({
      from: c.from_stage,
      to: c.to_stage,
      reason: c.reason,
      at: c.changed_at.toISOString(),
    }));
  }

  /** The version in production, if one is. */
  async production(): Promise<ModelVersion | undefined> {
    const [row] = await this.db.query<VersionRow[]>(
      `SELECT ${COLUMNS} FROM model_versions WHERE stage = 'production'`,
    );
    return row && toModelVersion(row);
  }

  /** The newest data version of a version out of the candidate stage; 0 when none. */
  async newestDecidedDataVersion(): Promise<number> {
    const [row] = await this.db.query<{ version: number | null }[]>(
      `SELECT max(data_version) AS version FROM model_versions WHERE stage <> 'candidate'`,
    );
    return row?.version ?? 0;
  }

  /** The figures the metrics publish: the newest version's training time, production's NDCG@10. */
  async summary(): Promise<{ latestTrainingSeconds: number | null; productionNdcg: number | null }> {
    const [row] = await this.db.query<{ training_seconds: number | null; production_ndcg: string | null }[]>(
      `SELECT (SELECT training_seconds FROM model_versions ORDER BY id DESC LIMIT 1) AS training_seconds,
              (SELECT metrics->>$1 FROM model_versions WHERE stage = 'production') AS production_ndcg`,
      [metricKey('primary', 'ndcg')],
    );
    return {
      latestTrainingSeconds: row?.training_seconds ?? null,
      productionNdcg: row?.production_ndcg == null ? null : Number(row.production_ndcg),
    };
  }

  /** A version's artifact size and recorded sha256, with what it was trained as. */
  async artifactHead(id: number): Promise<ArtifactHead | undefined> {
    const [row] = await this.db.query<
      { size: number; artifact_sha256: string; algorithm: string; data_version: number }[]
    >(
      'SELECT artifact_bytes AS size, artifact_sha256, algorithm, data_version FROM model_versions WHERE id = $1',
      [id],
    );
    return (
      row && {
        size: Number(row.size),
        sha256: row.artifact_sha256,
        algorithm: row.algorithm,
        dataVersion: row.data_version,
      }
    );
  }

  /**
   * `length` bytes of a version's artifact from byte `offset` (0-based), fewer at its end; undefined
   * when the version has no artifact. The parts are stored uncompressed, so this reads only the
   * bytes asked for.
   */
  async artifactSlice(id: number, offset: number, length: number): Promise<Buffer | undefined> {
    const found = await this.db.query<{ part: Buffer }[]>(
      `SELECT substring(bytes FROM (greatest($2 - start_byte, 0) + 1)::integer
                        FOR (least($2 + $3, start_byte + octet_length(bytes)) - greatest($2, start_byte))::integer) AS part
       FROM model_artifact_parts
       WHERE model_version_id = $1 AND start_byte < $2 + $3 AND start_byte + octet_length(bytes) > $2
       ORDER BY start_byte`,
      [id, offset, length],
    );
    if (found.length > 0) return Buffer.concat(found.map((row) => row.part));
    const [any] = await this.db.query<unknown[]>(
      'SELECT 1 FROM model_artifact_parts WHERE model_version_id = $1 LIMIT 1',
      [id],
    );
    return any ? Buffer.alloc(0) : undefined;
  }

  /**
   * Stores a new version as a candidate, its artifact in parts of at most ARTIFACT_PART_BYTES (each a
   * statement of its own, so no one parameter nears PostgreSQL's 1 GiB field limit); returns its id.
   */
  async insert(client: PoolClient, version: NewModelVersion, artifact: ArtifactSource): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO model_versions (algorithm, params, metrics, data_version, pipeline_run_id, training_seconds,
                                   artifact_bytes, artifact_sha256, stage)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'candidate') RETURNING id`,
      [
        version.algorithm,
        JSON.stringify(version.params),
        JSON.stringify(version.metrics),
        version.dataVersion,
        version.pipelineRunId,
        version.trainingSeconds,
        artifact.byteLength,
        artifact.sha256,
      ],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('registering the version returned no id');
    const insertPart = (start: number, part: Uint8Array) =>
      client.query(
        'INSERT INTO model_artifact_parts (model_version_id, start_byte, bytes) VALUES ($1, $2, $3)',
        [id, start, Buffer.from(part.buffer, part.byteOffset, part.byteLength)],
      );
    let start = 0;
    const hash = createHash('sha256');
    for await (const part of artifact.parts(ARTIFACT_PART_BYTES)) {
      await insertPart(start, part);
      hash.update(part);
      start += part.byteLength;
    }
    // Read back from a file, the bytes may not be those hashed when it was written.
    const sha256 = hash.digest('hex');
    if (start !== artifact.byteLength || sha256 !== artifact.sha256) {
      throw new Error(
        `the artifact read ${start} bytes with sha256 ${sha256}, not the ${artifact.byteLength} with ${artifact.sha256} it was written as`,
      );
    }
    // An empty artifact is one empty part: a version with no parts has no artifact at all.
    if (start === 0) await insertPart(0, new Uint8Array(0));
    return id;
  }

  /** A version's stage, its row locked until the transaction ends; undefined when there is none. */
  async lockStage(client: PoolClient, id: number): Promise<ModelStage | undefined> {
    const { rows } = await client.query<{ stage: ModelStage }>(
      'SELECT stage FROM model_versions WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0]?.stage;
  }

  /** Archives the versions in production; returns their ids. */
  async archiveProduction(client: PoolClient): Promise<number[]> {
    const { rows } = await client.query<{ id: number }>(
      `UPDATE model_versions SET stage = 'archived' WHERE stage = 'production' RETURNING id`,
    );
    return rows.map((row) => row.id);
  }

  async makeProduction(client: PoolClient, id: number): Promise<void> {
    await client.query(`UPDATE model_versions SET stage = 'production' WHERE id = $1`, [id]);
  }

  /** Rejects the version if it is a candidate; whether it was. */
  async rejectCandidate(client: PoolClient, id: number): Promise<boolean> {
    const { rows } = await client.query<{ stage: ModelStage }>(
      `UPDATE model_versions SET stage = 'rejected' WHERE id = $1 AND stage = 'candidate' RETURNING stage`,
      [id],
    );
    return rows.length > 0;
  }

  async recordChange(
    client: PoolClient,
    id: number,
    from: ModelStage | null,
    to: ModelStage,
    reason: string,
  ): Promise<void> {
    await client.query(
      'INSERT INTO model_stage_changes (model_version_id, from_stage, to_stage, reason) VALUES ($1, $2, $3, $4)',
      [id, from, to, reason],
    );
  }

  /**
   * Tells every serving process to load version `id`: at once, or when the caller's transaction
   * commits when given its client.
   */
  async announce(id: number, client?: PoolClient): Promise<void> {
    const sql = 'SELECT pg_notify($1, $2)';
    const params = [PROMOTION_CHANNEL, String(id)];
    if (client) await client.query(sql, params);
    else await this.db.query(sql, params);
  }
}
