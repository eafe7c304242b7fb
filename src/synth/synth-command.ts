/**
 * `synth --ratings N --users U --movies M --seed S --out DIR [--bad-share F]`: writes a
 * MovieLens-shaped folder (movies.csv, ratings.csv) of generated data. No app, no database.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  buildCatalog,
  checkSynthOptions,
  movieLines,
  MOVIELENS_25M,
  ratingLines,
  type SynthOptions,
  SynthOptionsError,
} from './generator.js';
import { writeLines } from './writer.js';

export interface SynthCommandOptions {
  ratings?: string;
  users?: string;
  movies?: string;
  seed?: string;
  out?: string;
  badShare?: string;
}

/** Bad arguments (the CLI exits with 2). */
export class SynthUsageError extends Error {}

function integerOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const plain = text.trim().replace(/_/g, '');
  if (!/^\d+$/.test(plain))
    throw new SynthUsageError(`${name} must be a non-negative integer; got "${text}"`);
  return Number(plain);
}

function shareOption(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) || value > 1) {
    throw new SynthUsageError(`--bad-share must be a number from 0 to 1; got "${text}"`);
  }
  return value;
}

export function parseSynthOptions(options: SynthCommandOptions): SynthOptions & { out: string } {
  if (options.out === undefined || options.out.trim() === '') {
    throw new SynthUsageError('--out <dir> is required: the folder to write movies.csv and ratings.csv into');
  }
  const parsed = {
    ratings: integerOption('--ratings', options.ratings, MOVIELENS_25M.ratings),
    users: integerOption('--users', options.users, MOVIELENS_25M.users),
    movies: integerOption('--movies', options.movies, MOVIELENS_25M.movies),
    seed: integerOption('--seed', options.seed, 1),
    badShare: shareOption(options.badShare),
  };
  try {
    checkSynthOptions(parsed);
  } catch (error) {
    throw error instanceof SynthOptionsError ? new SynthUsageError(error.message) : error;
  }
  return { ...parsed, out: resolve(options.out) };
}

/** The folder, created if missing; one that already holds files is refused, never overwritten. */
async function prepareFolder(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new SynthUsageError(`--out ${dir} exists and is not a folder`);
  if (existing && (await readdir(dir)).length > 0) {
    throw new SynthUsageError(
      `--out ${dir} already has files; give an empty or new folder (nothing is overwritten)`,
    );
  }
  await mkdir(dir, { recursive: true });
}

export interface SynthIo {
  /** Progress and the summary (stderr). */
  log(text: string): void;
  /** The summary line (stdout). */
  out(text: string): void;
}

const PROGRESS_MS = 2000;

export async function runSynthCommand(options: SynthCommandOptions, io: SynthIo): Promise<void> {
  const parsed = parseSynthOptions(options);
  await prepareFolder(parsed.out);
  const startedAt = Date.now();
  const catalog = buildCatalog(parsed);
  const moviesFile = join(parsed.out, 'movies.csv');
  const ratingsFile = join(parsed.out, 'ratings.csv');
  await writeLines(moviesFile, movieLines(catalog, parsed.seed));

  let lastLog = Date.now();
  const rows =
    (await writeLines(ratingsFile, ratingLines(catalog, parsed), (lines) => {
      const now = Date.now();
      if (now - lastLog < PROGRESS_MS) return;
      lastLog = now;
      const done = lines - 1;
      const seconds = (now - startedAt) / 1000;
      io.log(
        `synth: ${((100 * done) / parsed.ratings).toFixed(1)}% (${done} of ${parsed.ratings} ratings, ${Math.round(done / seconds)}/s)`,
      );
    })) - 1;
  const seconds = (Date.now() - startedAt) / 1000;
  const bad = Math.round(parsed.badShare * parsed.ratings);
  io.out(
    `wrote ${moviesFile} (${parsed.movies} movies) and ${ratingsFile} (${rows} ratings from ${parsed.users} users${bad > 0 ? `, ${bad} malformed` : ''}) in ${seconds.toFixed(1)} s`,
  );
}
