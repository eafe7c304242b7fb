import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model artifacts are stored out of line and uncompressed: their float arrays barely compress, and
 * a compressed value must be decompressed from its start for every slice read of it, which made
 * reading a 25M-rating model in slices take minutes. Applies to versions registered from now on.
 */
export class ArtifactStorageExternal1796140800000 implements MigrationInterface {
  name = 'ArtifactStorageExternal1796140800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE model_versions ALTER COLUMN artifact SET STORAGE EXTERNAL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE model_versions ALTER COLUMN artifact SET STORAGE EXTENDED`);
  }
}
