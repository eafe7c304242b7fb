import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReplayMeasure, StoredReplayMeasure } from './replay-measure.js';

interface MeasureRow {
  model_version_id: number;
  data_version: number;
  batch_id: number;
  pipeline_run_id: number;
  complete: boolean;
  seconds: number;
  figures: Omit<
    ReplayMeasure,
    'modelVersionId' | 'dataVersion' | 'batchId' | 'pipelineRunId' | 'complete' | 'seconds'
  >;
  measured_at: Date;
}

const toMeasure = (row: MeasureRow): StoredReplayMeasure => ({
  modelVersionId: row.model_version_id,
  dataVersion: row.data_version,
  batchId: row.batch_id,
  pipelineRunId: row.pipeline_run_id,
  complete: row.complete,
  seconds: row.seconds,
  ...row.figures,
  measuredAt: row.measured_at.toISOString(),
});

const COLUMNS =
  'model_version_id, data_version, batch_id, pipeline_run_id, complete, seconds, figures, measured_at';

/** The replay stage's measures, the table `replay_measures`: every statement on it is here. */
@Injectable()
export class ReplayMeasuresService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a measure; the same version measured again on the same data version replaces it. */
  async record(measure: ReplayMeasure): Promise<void> {
    const { modelVersionId, dataVersion, batchId, pipelineRunId, complete, seconds } = measure;
    const figures: MeasureRow['figures'] = {
      modelDataVersion: measure.modelDataVersion,
      served: measure.served,
      nightly: measure.nightly,
      unscored: measure.unscored,
      candidateUsers: measure.candidateUsers,
      sampledUsers: measure.sampledUsers,
      batchRatings: measure.batchRatings,
    };
    await this.db.query(
      `INSERT INTO replay_measures (model_version_id, data_version, batch_id, pipeline_run_id,
         served_hit_rate, nightly_hit_rate, events, users, complete, seconds, figures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (model_version_id, data_version) DO UPDATE SET
         batch_id = excluded.batch_id, pipeline_run_id = excluded.pipeline_run_id,
         served_hit_rate = excluded.served_hit_rate, nightly_hit_rate = excluded.nightly_hit_rate,
         events = excluded.events, users = excluded.users, complete = excluded.complete,
         seconds = excluded.seconds, figures = excluded.figures, measured_at = now()`,
      [
        modelVersionId,
        dataVersion,
        batchId,
        pipelineRunId,
        figures.served.hitRate,
        figures.nightly.hitRate,
        figures.served.events,
        figures.served.users,
        complete,
        seconds,
        JSON.stringify(figures),
      ],
    );
  }

  /** The batches a version was scored on, oldest data version first. */
  async ofModelVersion(modelVersionId: number): Promise<StoredReplayMeasure[]> {
    const rows = await this.db.query<MeasureRow[]>(
      `SELECT ${COLUMNS} FROM replay_measures WHERE model_version_id = $1 ORDER BY data_version`,
      [modelVersionId],
    );
    return rows.map(toMeasure);
  }

  /** The measure of the newest data version (what the metrics publish), if any. */
  async newest(): Promise<StoredReplayMeasure | undefined> {
    const [row] = await this.db.query<MeasureRow[]>(
      `SELECT ${COLUMNS} FROM replay_measures ORDER BY data_version DESC, id DESC LIMIT 1`,
    );
    return row && toMeasure(row);
  }
}
