import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The replay stage's measures (src/evaluation): the production version scored on each new batch
 * before it was trained on. The figures the metrics and `models show` read are columns; the rest
 * (each variant's known and new users, the sample) is kept whole in `figures`.
 */
export class ReplayMeasures1796317200000 implements MigrationInterface {
  name = 'ReplayMeasures1796317200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE replay_measures (
        id serial PRIMARY KEY,
        model_version_id integer NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        data_version integer NOT NULL,
        batch_id integer NOT NULL,
        pipeline_run_id integer NOT NULL REFERENCES pipeline_runs (id),
        served_hit_rate double precision NOT NULL,
        nightly_hit_rate double precision NOT NULL,
        events integer NOT NULL,
        users integer NOT NULL,
        complete boolean NOT NULL,
        seconds real NOT NULL,
        figures jsonb NOT NULL,
        measured_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model_version_id, data_version)
      )`);
    // The metrics read the newest data version's measure.
    await db.query(
      `CREATE INDEX replay_measures_data_version_idx ON replay_measures (data_version DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE replay_measures`);
  }
}
