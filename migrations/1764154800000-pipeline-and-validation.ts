import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily loop: batches become data versions (or are rejected), each with a validation
 * report; pipeline runs record their stages; feedback ratings wait for the next batch.
 */
export class PipelineAndValidation1764154800000 implements MigrationInterface {
  name = 'PipelineAndValidation1764154800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE pipeline_runs (
        id serial PRIMARY KEY,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'cli', 'startup', 'upload')),
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        scheduled_for timestamptz,
        runner text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        stages jsonb NOT NULL DEFAULT '[]',
        summary text,
        error text,
        batch_id integer,
        data_version integer,
        drift jsonb
      )`);
    // Several replicas fire the same cron tick: only the first to insert it runs it.
    await db.query(
      `CREATE UNIQUE INDEX pipeline_runs_tick_idx ON pipeline_runs (scheduled_for) WHERE trigger = 'schedule'`,
    );
    await db.query(`CREATE INDEX pipeline_runs_started_idx ON pipeline_runs (started_at DESC)`);

    await db.query(`DROP INDEX data_batches_source_checksum_idx`);
    await db.query(`
      ALTER TABLE data_batches
        ADD COLUMN kind text NOT NULL DEFAULT 'full' CHECK (kind IN ('full', 'initial', 'period', 'upload', 'feedback')),
        ADD COLUMN status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'rejected')),
        ADD COLUMN version integer,
        ADD COLUMN period text,
        ADD COLUMN period_start timestamptz,
        ADD COLUMN period_end timestamptz,
        ADD COLUMN feedback_rows integer NOT NULL DEFAULT 0,
        ADD COLUMN pipeline_run_id integer REFERENCES pipeline_runs (id)`);
    await db.query(`UPDATE data_batches SET version = id`);
    await db.query(`CREATE UNIQUE INDEX data_batches_version_idx ON data_batches (version)`);
    await db.query(
      `CREATE UNIQUE INDEX data_batches_checksum_idx ON data_batches (source, checksum) WHERE status = 'applied'`,
    );
    await db.query(
      `CREATE UNIQUE INDEX data_batches_period_idx ON data_batches (source, period) WHERE status = 'applied' AND period IS NOT NULL`,
    );
    await db.query(`ALTER TABLE pipeline_runs ADD FOREIGN KEY (batch_id) REFERENCES data_batches (id)`);

    await db.query(`
      CREATE TABLE validation_reports (
        batch_id integer PRIMARY KEY REFERENCES data_batches (id) ON DELETE CASCADE,
        passed boolean NOT NULL,
        rows_read integer NOT NULL,
        rows_accepted integer NOT NULL,
        rows_quarantined integer NOT NULL,
        bad_row_share real NOT NULL,
        threshold real NOT NULL,
        checks jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE quarantined_rows ADD COLUMN "check" text NOT NULL DEFAULT 'unknown'`);
    await db.query(`ALTER TABLE quarantined_rows ALTER COLUMN "check" DROP DEFAULT`);

    // Feedback ratings arrive between runs with no batch; the next run adopts them.
    await db.query(`ALTER TABLE ratings ALTER COLUMN batch_id DROP NOT NULL`);
    await db.query(`CREATE INDEX ratings_pending_idx ON ratings (user_id) WHERE batch_id IS NULL`);
    await db.query(`CREATE INDEX ratings_user_time_idx ON ratings (user_id, rated_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ratings_user_time_idx`);
    await db.query(`DROP INDEX ratings_pending_idx`);
    await db.query(`DELETE FROM ratings WHERE batch_id IS NULL`);
    await db.query(`ALTER TABLE ratings ALTER COLUMN batch_id SET NOT NULL`);
    await db.query(`ALTER TABLE quarantined_rows DROP COLUMN "check"`);
    await db.query(`DROP TABLE validation_reports`);
    await db.query(`ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_batch_id_fkey`);
    await db.query(`DROP INDEX data_batches_period_idx`);
    await db.query(`DROP INDEX data_batches_checksum_idx`);
    await db.query(`DROP INDEX data_batches_version_idx`);
    await db.query(
      `DELETE FROM quarantined_rows WHERE batch_id IN (SELECT id FROM data_batches WHERE status = 'rejected')`,
    );
    await db.query(`DELETE FROM data_batches WHERE status = 'rejected'`);
    await db.query(`
      ALTER TABLE data_batches
        DROP COLUMN pipeline_run_id, DROP COLUMN feedback_rows, DROP COLUMN period_end, DROP COLUMN period_start,
        DROP COLUMN period, DROP COLUMN version, DROP COLUMN status, DROP COLUMN kind`);
    await db.query(`CREATE UNIQUE INDEX data_batches_source_checksum_idx ON data_batches (source, checksum)`);
    await db.query(`DROP TABLE pipeline_runs`);
  }
}
