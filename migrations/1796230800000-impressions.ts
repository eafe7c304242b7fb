import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lists the service served (impressions), with the hit a later rating gave each: the online
 * quality of every model version and path. Written in batches off the request path and pruned by
 * age and count, so it carries no foreign key (a list outlives nothing it names) and few indexes.
 */
export class Impressions1796230800000 implements MigrationInterface {
  name = 'Impressions1796230800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE impressions (
        list_id uuid PRIMARY KEY,
        user_id integer,
        endpoint text NOT NULL,
        model_version integer NOT NULL,
        path text NOT NULL,
        movie_ids integer[] NOT NULL,
        served_at timestamptz NOT NULL,
        hit_movie_id integer,
        hit_at timestamptz,
        CHECK ((hit_movie_id IS NULL) = (hit_at IS NULL))
      )`);
    // A rating looks up the newest list served to its user before it.
    await db.query(
      `CREATE INDEX impressions_user_served_idx ON impressions (user_id, served_at DESC) WHERE user_id IS NOT NULL`,
    );
    // Retention deletes the oldest rows, by age and beyond the row bound.
    await db.query(`CREATE INDEX impressions_served_at_idx ON impressions (served_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE impressions`);
  }
}
