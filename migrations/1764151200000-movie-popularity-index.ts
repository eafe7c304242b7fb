import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Browsing by popularity (GET /movies?sort=popularity) reads this index in order. */
export class MoviePopularityIndex1764151200000 implements MigrationInterface {
  name = 'MoviePopularityIndex1764151200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX movies_rating_count_idx ON movies (rating_count DESC, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX movies_rating_count_idx`);
  }
}
