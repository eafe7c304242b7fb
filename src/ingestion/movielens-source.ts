import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
} from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

const REQUIRED_FILES = ['movies.csv', 'ratings.csv'] as const;

export class SourceError extends Error {
  override name = 'SourceError';
}

export interface MovieLensFiles {
  dir: string;
  /** Dataset name used to label batches, e.g. "ml-latest-small". */
  name: string;
  moviesCsv: string;
  ratingsCsv: string;
}

export function describeFolder(dir: string): MovieLensFiles {
  const missing = REQUIRED_FILES.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) {
    throw new SourceError(`MovieLens folder ${dir} has no ${missing.join(' or ')}`);
  }
  return {
    dir,
    name: basename(dir),
    moviesCsv: join(dir, 'movies.csv'),
    ratingsCsv: join(dir, 'ratings.csv'),
  };
}

/** Bytes read from ratings.csv to tell a header alone from a file with ratings. */
const RATINGS_PEEK_BYTES = 4096;

/** Whether the file holds a line after its first (the header), within its first bytes. */
function hasLineAfterHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(RATINGS_PEEK_BYTES);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    const newline = text.indexOf('\n');
    return newline >= 0 && text.slice(newline + 1).trim() !== '';
  } finally {
    closeSync(fd);
  }
}

/**
 * What is wrong with the configured MovieLens folder (MOVIELENS_DIR), in a sentence naming it;
 * undefined when it is fine or none is configured (the download is used). It looks at the folder
 * as it is now, cheaply (a stat per file and the first bytes of ratings.csv), so a start and
 * /status can ask before the next pipeline run would fail on it.
 */
export function movieLensFolderProblem(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    return folderProblem(dir);
  } catch (error) {
    return `MOVIELENS_DIR ${dir} cannot be read: ${(error as Error).message}`;
  }
}

function folderProblem(dir: string): string | undefined {
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder) return `MOVIELENS_DIR ${dir} does not exist`;
  if (!folder.isDirectory()) return `MOVIELENS_DIR ${dir} is not a folder`;
  if (readdirSync(dir).length === 0) return `MOVIELENS_DIR ${dir} is empty`;
  const missing = REQUIRED_FILES.filter(
    (file) => !statSync(join(dir, file), { throwIfNoEntry: false })?.isFile(),
  );
  if (missing.length > 0) return `MOVIELENS_DIR ${dir} has no ${missing.join(' or ')}`;
  if (!hasLineAfterHeader(join(dir, 'ratings.csv'))) return `MOVIELENS_DIR ${dir} has an empty ratings.csv`;
  return undefined;
}

/** sha256 over the files in order, streamed; identifies the data so it is not applied twice. */
export async function checksumFiles(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(`${basename(path)}\0`);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function hashFile(path: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fetchOrFail(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new SourceError(`could not download ${url}: ${cause}`);
  }
  if (!response.ok || !response.body) {
    throw new SourceError(`could not download ${url}: HTTP ${response.status}`);
  }
  return response;
}

/** The checksum to verify against: a pinned sha256, else the md5 GroupLens publishes beside the zip. */
async function expectedChecksum(
  url: string,
  sha256?: string,
): Promise<{ algorithm: 'md5' | 'sha256'; value: string }> {
  if (sha256) return { algorithm: 'sha256', value: sha256 };
  const text = await (await fetchOrFail(`${url}.md5`)).text();
  const value = /\b[0-9a-f]{32}\b/i.exec(text)?.[0];
  if (!value) throw new SourceError(`${url}.md5 holds no md5 checksum`);
  return { algorithm: 'md5', value: value.toLowerCase() };
}

function extractZip(zipPath: string, targetDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip)
        return reject(new SourceError(`${zipPath} is not a readable zip: ${openError?.message}`));
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = basename(entry.fileName);
        if (entry.fileName.endsWith('/') || (!name.endsWith('.csv') && name !== 'README.txt')) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          pipeline(stream, createWriteStream(join(targetDir, name)))
            .then(() => zip.readEntry())
            .catch(reject);
        });
      });
      zip.readEntry();
    });
  });
}

/**
 * Downloads a MovieLens zip into the cache (once), verifies its checksum and unpacks it.
 * The unpacked folder is only put in place once complete, so an interrupted download leaves no
 * half-written dataset behind.
 */
export async function downloadMovieLens(
  url: string,
  cacheDir: string,
  sha256?: string,
): Promise<MovieLensFiles> {
  const name = basename(new URL(url).pathname).replace(/\.zip$/, '');
  const targetDir = join(cacheDir, name);
  if (REQUIRED_FILES.every((file) => existsSync(join(targetDir, file)))) return describeFolder(targetDir);

  await mkdir(cacheDir, { recursive: true });
  const expected = await expectedChecksum(url, sha256);
  const zipPath = join(cacheDir, `${name}.zip.part`);
  const response = await fetchOrFail(url);
  await pipeline(Readable.fromWeb(response.body as never), createWriteStream(zipPath));
  const actual = await hashFile(zipPath, expected.algorithm);
  if (actual !== expected.value) {
    await rm(zipPath, { force: true });
    throw new SourceError(
      `checksum mismatch for ${url}: expected ${expected.algorithm} ${expected.value}, got ${actual}`,
    );
  }
  const unpackDir = `${targetDir}.part`;
  await rm(unpackDir, { recursive: true, force: true });
  await mkdir(unpackDir, { recursive: true });
  await extractZip(zipPath, unpackDir);
  await rm(targetDir, { recursive: true, force: true });
  await rename(unpackDir, targetDir);
  await rm(zipPath, { force: true });
  return describeFolder(targetDir);
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
