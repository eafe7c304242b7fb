import { chmodSync, copyFileSync, createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const SOURCE = resolve(here, '../fixtures/small');

/**
 * A hand-made dataset in the MovieLens layout: 31 movie rows (1 malformed), 234 rating rows (10
 * malformed). The repository keeps it under other names (catalog.csv, rating-events.csv), so that
 * nothing in it looks like a MovieLens file; each test file lays it out as movies.csv and
 * ratings.csv in a temporary folder, named by the run (TEST_RUN_ID, set by the e2e global setup)
 * and removed by the e2e global teardown.
 */
export const FIXTURE_DIR = mkdtempSync(
  join(tmpdir(), `movie-reco-fixture-${process.env.TEST_RUN_ID ?? process.pid}-`),
);
chmodSync(FIXTURE_DIR, 0o755);
copyFileSync(join(SOURCE, 'catalog.csv'), join(FIXTURE_DIR, 'movies.csv'));
copyFileSync(join(SOURCE, 'rating-events.csv'), join(FIXTURE_DIR, 'ratings.csv'));

/**
 * Settings that fit the fixture: its ratings span 2000–2002 (76, 99 and 49 good rows), plus
 * malformed rows dated 2004 or undated; no scheduled runs in tests.
 */
export const FIXTURE_ENV = { MOVIELENS_DIR: FIXTURE_DIR, REPLAY_START_YEAR: '2000', PIPELINE_CRON: 'off' };

export const FIXTURE = {
  movies: 30,
  ratings: 225,
  quarantined: [
    { file: 'movies.csv', line: 32, check: 'movie_id', reason: 'movieId is not a positive integer' },
    {
      file: 'ratings.csv',
      line: 226,
      check: 'rating',
      reason: 'rating is not between 0.5 and 5.0 in steps of 0.5',
    },
    { file: 'ratings.csv', line: 227, check: 'unknown_movie', reason: 'movieId 999 is not in the catalog' },
    { file: 'ratings.csv', line: 228, check: 'empty_field', reason: 'a field is empty' },
    { file: 'ratings.csv', line: 229, check: 'field_count', reason: 'expected 4 fields, got 3' },
    { file: 'ratings.csv', line: 230, check: 'timestamp_future', reason: 'timestamp is in the future' },
    {
      file: 'ratings.csv',
      line: 231,
      check: 'duplicate',
      reason: 'duplicate rating of the same user and movie; the latest wins',
    },
    { file: 'ratings.csv', line: 233, check: 'invalid_utf8', reason: 'text is not valid UTF-8' },
    { file: 'ratings.csv', line: 234, check: 'user_id', reason: 'userId is not a positive integer' },
    { file: 'ratings.csv', line: 235, check: 'timestamp_before_1995', reason: 'timestamp is before 1995' },
  ],
};

/** Ratings of the well-formed part of the fixture (the first 224 data lines), read plainly. */
export function cleanFixtureRatings(): { userId: number; movieId: number; rating: number }[] {
  return readFileSync(join(FIXTURE_DIR, 'ratings.csv'), 'latin1')
    .split('\n')
    .slice(1, 225)
    .map((line) => line.split(','))
    .map(([userId, movieId, rating]) => ({
      userId: Number(userId),
      movieId: Number(movieId),
      rating: Number(rating),
    }));
}

/**
 * Every stage of a first pipeline run that succeeded, in order, as `name:status`: all succeed but
 * replay, which has no production model to score yet.
 */
export const FIRST_RUN_STAGES = [
  'ingest',
  'validate',
  'drift',
  'transform',
  'replay',
  'train',
  'evaluate',
  'register',
  'promote',
  'deploy',
].map((stage) => `${stage}:${stage === 'replay' ? 'skipped' : 'succeeded'}`);

/** A run's stages as `name:status`, to compare with FIRST_RUN_STAGES. */
export function stageOutcomes(stages: { name: string; status: string }[]): string[] {
  return stages.map((s) => `${s.name}:${s.status}`);
}

/**
 * A MovieLens folder in `dir` for the suites that need volume: the fixture's movies and, for users
 * 1…`users`, a rating of each of the first `movies` movies that `keep` lets through (valid rows,
 * one a minute from `firstTimestamp`), streamed to disk.
 */
export async function writeGeneratedDataset(
  dir: string,
  options: {
    users: number;
    movies: number;
    firstTimestamp: number;
    keep?: (user: number, movie: number) => boolean;
  },
): Promise<void> {
  const { users, movies, firstTimestamp, keep = () => true } = options;
  copyFileSync(join(FIXTURE_DIR, 'movies.csv'), join(dir, 'movies.csv'));
  const out = createWriteStream(join(dir, 'ratings.csv'));
  out.write('userId,movieId,rating,timestamp\n');
  for (let user = 1; user <= users; user++) {
    let chunk = '';
    for (let movie = 1; movie <= movies; movie++) {
      if (!keep(user, movie)) continue;
      chunk += `${user},${movie},${((user + movie) % 10) / 2 + 0.5},${firstTimestamp + user * 60 + movie}\n`;
    }
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}
