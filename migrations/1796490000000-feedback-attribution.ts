import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feedback attributed and revertible: each rating records the API client that sent it
 * (`ratings.client_id`, null for dataset rows and for feedback stored before this migration), and
 * a rating replaced by a newer one (feedback over a dataset rating, a later upload, a second
 * feedback) is kept in `rating_history` instead of being lost, so a client's ratings can be removed
 * (`feedback revert`) and what they had replaced put back. `ratings` still holds the newest rating
 * per user and movie, what models train on. A revert is applied as a data batch of kind `revert`:
 * a new data version, which the next run trains on.
 */
export class FeedbackAttribution1796490000000 implements MigrationInterface {
  name = 'FeedbackAttribution1796490000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE ratings ADD COLUMN client_id text`);
    await db.query(
      `CREATE INDEX ratings_client_time_idx ON ratings (client_id, rated_at) WHERE client_id IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE rating_history (
        id bigserial PRIMARY KEY,
        user_id integer NOT NULL,
        movie_id integer NOT NULL REFERENCES movies (id),
        rating real NOT NULL,
        rated_at timestamptz NOT NULL,
        source text NOT NULL,
        batch_id integer REFERENCES data_batches (id),
        client_id text,
        superseded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX rating_history_key_idx ON rating_history (user_id, movie_id, rated_at DESC)`,
    );
    await db.query(
      `CREATE INDEX rating_history_client_time_idx ON rating_history (client_id, rated_at) WHERE client_id IS NOT NULL`,
    );
    // A trigger rather than each statement copying the old row first: under concurrent writes of
    // the same user and movie, only the row lock the UPDATE holds sees the row it really replaces.
    await db.query(`
      CREATE FUNCTION ratings_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO rating_history (user_id, movie_id, rating, rated_at, source, batch_id, client_id)
        VALUES (OLD.user_id, OLD.movie_id, OLD.rating, OLD.rated_at, OLD.source, OLD.batch_id, OLD.client_id);
        RETURN NULL;
      END $$`);
    // Adopting feedback into a batch only sets batch_id: not a new rating, no history.
    await db.query(`
      CREATE TRIGGER ratings_history AFTER UPDATE ON ratings FOR EACH ROW
      WHEN (OLD.rating IS DISTINCT FROM NEW.rating OR OLD.rated_at IS DISTINCT FROM NEW.rated_at)
      EXECUTE FUNCTION ratings_keep_history()`);
    await db.query(`ALTER TABLE data_batches DROP CONSTRAINT data_batches_kind_check`);
    await db.query(`ALTER TABLE data_batches ADD CONSTRAINT data_batches_kind_check
      CHECK (kind IN ('full', 'initial', 'period', 'upload', 'feedback', 'revert'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    // The older code knows no revert batch: like a feedback batch, it holds no dataset rows.
    await db.query(`UPDATE data_batches SET kind = 'feedback' WHERE kind = 'revert'`);
    await db.query(`ALTER TABLE data_batches DROP CONSTRAINT data_batches_kind_check`);
    await db.query(`ALTER TABLE data_batches ADD CONSTRAINT data_batches_kind_check
      CHECK (kind IN ('full', 'initial', 'period', 'upload', 'feedback'))`);
    await db.query(`DROP TRIGGER ratings_history ON ratings`);
    await db.query(`DROP FUNCTION ratings_keep_history()`);
    await db.query(`DROP TABLE rating_history`);
    await db.query(`DROP INDEX ratings_client_time_idx`);
    await db.query(`ALTER TABLE ratings DROP COLUMN client_id`);
  }
}
