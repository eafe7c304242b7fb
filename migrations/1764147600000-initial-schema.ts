import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764147600000 implements MigrationInterface {
  name = 'InitialSchema1764147600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE movies (
        id integer PRIMARY KEY,
        title text NOT NULL,
        year smallint,
        genres text[] NOT NULL DEFAULT '{}',
        rating_count integer NOT NULL DEFAULT 0,
        rating_mean real
      )`);
    await db.query(`CREATE INDEX movies_genres_idx ON movies USING gin (genres)`);
    await db.query(`
      CREATE TABLE data_batches (
        id serial PRIMARY KEY,
        source text NOT NULL,
        checksum text NOT NULL,
        movies_rows integer NOT NULL DEFAULT 0,
        ratings_rows integer NOT NULL DEFAULT 0,
        quarantined_rows integer NOT NULL DEFAULT 0,
        seconds real NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX data_batches_source_checksum_idx ON data_batches (source, checksum)`);
    await db.query(`
      CREATE TABLE ratings (
        user_id integer NOT NULL CHECK (user_id > 0),
        movie_id integer NOT NULL REFERENCES movies (id),
        rating real NOT NULL CHECK (rating >= 0.5 AND rating <= 5),
        rated_at timestamptz NOT NULL,
        source text NOT NULL CHECK (source IN ('dataset', 'feedback')),
        batch_id integer NOT NULL REFERENCES data_batches (id),
        PRIMARY KEY (user_id, movie_id)
      )`);
    await db.query(`CREATE INDEX ratings_movie_idx ON ratings (movie_id)`);
    await db.query(`CREATE INDEX ratings_batch_idx ON ratings (batch_id)`);
    await db.query(`
      CREATE TABLE quarantined_rows (
        id bigserial PRIMARY KEY,
        batch_id integer NOT NULL REFERENCES data_batches (id) ON DELETE CASCADE,
        file text NOT NULL,
        line integer NOT NULL,
        raw text NOT NULL,
        reason text NOT NULL
      )`);
    await db.query(`CREATE INDEX quarantined_rows_batch_idx ON quarantined_rows (batch_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE quarantined_rows`);
    await db.query(`DROP TABLE ratings`);
    await db.query(`DROP TABLE data_batches`);
    await db.query(`DROP TABLE movies`);
  }
}
