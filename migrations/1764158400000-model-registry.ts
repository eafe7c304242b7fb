import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Model versions with their lineage, metrics, artifact and stage history. */
export class ModelRegistry1764158400000 implements MigrationInterface {
  name = 'ModelRegistry1764158400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE model_versions (
        id serial PRIMARY KEY,
        algorithm text NOT NULL,
        params jsonb NOT NULL,
        metrics jsonb NOT NULL,
        data_version integer NOT NULL,
        pipeline_run_id integer REFERENCES pipeline_runs (id),
        training_seconds real NOT NULL,
        artifact bytea NOT NULL,
        artifact_sha256 text NOT NULL,
        stage text NOT NULL CHECK (stage IN ('candidate', 'production', 'rejected', 'archived')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one production version at any time.
    await db.query(
      `CREATE UNIQUE INDEX model_versions_production_idx ON model_versions (stage) WHERE stage = 'production'`,
    );
    await db.query(`
      CREATE TABLE model_stage_changes (
        id serial PRIMARY KEY,
        model_version_id integer NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        from_stage text,
        to_stage text NOT NULL,
        reason text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX model_stage_changes_version_idx ON model_stage_changes (model_version_id, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE model_stage_changes`);
    await db.query(`DROP TABLE model_versions`);
  }
}
