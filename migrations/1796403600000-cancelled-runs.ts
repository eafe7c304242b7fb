import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run the process stopped on SIGTERM/SIGINT is `cancelled` (with the stage it was in), apart
 * from a run that failed: a stop is not a fault of the data or the code.
 */
export class CancelledRuns1796403600000 implements MigrationInterface {
  name = 'CancelledRuns1796403600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_status_check`);
    await db.query(`ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    // The older code knows no cancelled run: those read as the failures they were before.
    await db.query(`UPDATE pipeline_runs SET status = 'failed' WHERE status = 'cancelled'`);
    await db.query(`ALTER TABLE pipeline_runs DROP CONSTRAINT pipeline_runs_status_check`);
    await db.query(`ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed'))`);
  }
}
