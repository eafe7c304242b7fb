import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model artifacts in parts (`model_artifact_parts`, each at most 64 MiB, stored out of line and
 * uncompressed) instead of one bytea column: PostgreSQL refuses a field of 1 GiB or more, which
 * capped a model at 25M ratings to about 7,000 EASE columns. The size moves to
 * `model_versions.artifact_bytes`; existing artifacts become one part each.
 */
export class ArtifactParts1796576400000 implements MigrationInterface {
  name = 'ArtifactParts1796576400000';
  /** `down` puts every part back into `model_versions.artifact`: `db revert` loses nothing. */
  readonly keepsRowsOf = ['model_artifact_parts'];

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE model_artifact_parts (
        model_version_id integer NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        start_byte bigint NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (model_version_id, start_byte)
      )`);
    await db.query(`ALTER TABLE model_artifact_parts ALTER COLUMN bytes SET STORAGE EXTERNAL`);
    await db.query(`ALTER TABLE model_versions ADD COLUMN artifact_bytes bigint`);
    await db.query(
      `INSERT INTO model_artifact_parts (model_version_id, start_byte, bytes) SELECT id, 0, artifact FROM model_versions`,
    );
    await db.query(`UPDATE model_versions SET artifact_bytes = octet_length(artifact)`);
    await db.query(`ALTER TABLE model_versions ALTER COLUMN artifact_bytes SET NOT NULL`);
    await db.query(`ALTER TABLE model_versions DROP COLUMN artifact`);
  }

  /** Fails for an artifact of 1 GiB or more, which one column cannot hold. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE model_versions ADD COLUMN artifact bytea`);
    await db.query(`ALTER TABLE model_versions ALTER COLUMN artifact SET STORAGE EXTERNAL`);
    await db.query(`
      UPDATE model_versions v SET artifact = (
        SELECT string_agg(p.bytes, ''::bytea ORDER BY p.start_byte) FROM model_artifact_parts p
        WHERE p.model_version_id = v.id)`);
    await db.query(`UPDATE model_versions SET artifact = ''::bytea WHERE artifact IS NULL`);
    await db.query(`ALTER TABLE model_versions ALTER COLUMN artifact SET NOT NULL`);
    await db.query(`ALTER TABLE model_versions DROP COLUMN artifact_bytes`);
    await db.query(`DROP TABLE model_artifact_parts`);
  }
}
