import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import {
  checksumFiles,
  describeFolder,
  downloadMovieLens,
  movieLensFolderProblem,
  SourceError,
} from './movielens-source.js';

const MOVIES = 'movieId,title,genres\n1,Toy Story (1995),Adventure\n';
const RATINGS = 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n';

function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

describe('downloadMovieLens', () => {
  let server: Server;
  let baseUrl: string;
  let cacheDir: string;
  let routes: Record<string, Buffer | string>;
  let requests: string[];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = routes[request.url ?? ''];
      if (body === undefined) {
        response.writeHead(404).end('not found');
        return;
      }
      response.writeHead(200).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'movie-reco-cache-'));
    requests = [];
    const zip = await zipOf({
      'ml-tiny/movies.csv': MOVIES,
      'ml-tiny/ratings.csv': RATINGS,
      'ml-tiny/README.txt': 'x',
    });
    routes = {
      '/ml-tiny.zip': zip,
      '/ml-tiny.zip.md5': `${createHash('md5').update(zip).digest('hex')}  ml-tiny.zip\n`,
    };
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('downloads, verifies the published md5 and unpacks into the cache', async () => {
    const files = await downloadMovieLens(`${baseUrl}/ml-tiny.zip`, cacheDir);
    expect(files.name).toBe('ml-tiny');
    expect(readFileSync(files.ratingsCsv, 'utf8')).toBe(RATINGS);
    expect(readdirSync(cacheDir)).toEqual(['ml-tiny']);
  });

  it('uses the cache the second time, without a request', async () => {
    await downloadMovieLens(`${baseUrl}/ml-tiny.zip`, cacheDir);
    requests = [];
    await downloadMovieLens(`${baseUrl}/ml-tiny.zip`, cacheDir);
    expect(requests).toEqual([]);
  });

  it('verifies a pinned sha256 instead of the md5 when one is given', async () => {
    const sha256 = createHash('sha256').update(routes['/ml-tiny.zip']!).digest('hex');
    delete routes['/ml-tiny.zip.md5'];
    await expect(downloadMovieLens(`${baseUrl}/ml-tiny.zip`, cacheDir, sha256)).resolves.toMatchObject({
      name: 'ml-tiny',
    });
  });

  it('rejects a download whose checksum does not match and keeps nothing of it', async () => {
    routes['/ml-tiny.zip.md5'] = '00000000000000000000000000000000  ml-tiny.zip\n';
    await expect(downloadMovieLens(`${baseUrl}/ml-tiny.zip`, cacheDir)).rejects.toThrow(
      /checksum mismatch for .*ml-tiny\.zip: expected md5 0{32}, got [0-9a-f]{32}/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('fails with a clear error when the server answers 404', async () => {
    await expect(downloadMovieLens(`${baseUrl}/ml-missing.zip`, cacheDir)).rejects.toThrow(
      new SourceError(`could not download ${baseUrl}/ml-missing.zip.md5: HTTP 404`),
    );
  });

  it('fails with a clear error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(downloadMovieLens(`http://127.0.0.1:${port}/ml-tiny.zip`, cacheDir)).rejects.toThrow(
      /could not download http:\/\/127\.0\.0\.1:\d+\/ml-tiny\.zip\.md5: connect ECONNREFUSED/,
    );
    expect(existsSync(join(cacheDir, 'ml-tiny'))).toBe(false);
  });
});

describe('describeFolder and checksumFiles', () => {
  it('names the missing files of an incomplete folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'movie-reco-empty-'));
    expect(() => describeFolder(dir)).toThrow(`MovieLens folder ${dir} has no movies.csv or ratings.csv`);
    rmSync(dir, { recursive: true });
  });

  it('changes the checksum when any file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'movie-reco-sum-'));
    writeFileSync(join(dir, 'movies.csv'), MOVIES);
    writeFileSync(join(dir, 'ratings.csv'), RATINGS);
    const files = describeFolder(dir);
    const before = await checksumFiles([files.moviesCsv, files.ratingsCsv]);
    expect(await checksumFiles([files.moviesCsv, files.ratingsCsv])).toBe(before);
    writeFileSync(join(dir, 'ratings.csv'), `${RATINGS}2,1,3.0,964982800\n`);
    expect(await checksumFiles([files.moviesCsv, files.ratingsCsv])).not.toBe(before);
    rmSync(dir, { recursive: true });
  });
});

describe('movieLensFolderProblem', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'movie-reco-folder-problem-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(root, 'ml-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('is undefined for a folder with movies and ratings, and when no folder is configured', () => {
    expect(movieLensFolderProblem(folder({ 'movies.csv': MOVIES, 'ratings.csv': RATINGS }))).toBeUndefined();
    expect(movieLensFolderProblem(undefined)).toBeUndefined();
  });

  it('names the folder and what is wrong with it', () => {
    const missing = join(root, 'nonexistent');
    expect(movieLensFolderProblem(missing)).toBe(`MOVIELENS_DIR ${missing} does not exist`);
    const file = join(root, 'ratings.csv');
    writeFileSync(file, RATINGS);
    expect(movieLensFolderProblem(file)).toBe(`MOVIELENS_DIR ${file} is not a folder`);
    const empty = folder({});
    expect(movieLensFolderProblem(empty)).toBe(`MOVIELENS_DIR ${empty} is empty`);
    const noRatings = folder({ 'movies.csv': MOVIES });
    expect(movieLensFolderProblem(noRatings)).toBe(`MOVIELENS_DIR ${noRatings} has no ratings.csv`);
    const other = folder({ 'README.txt': 'hello' });
    expect(movieLensFolderProblem(other)).toBe(`MOVIELENS_DIR ${other} has no movies.csv or ratings.csv`);
  });

  it('says what failed rather than throwing when the folder cannot be examined', () => {
    // A NUL in the path fails every file call (as EACCES would for another user than root).
    expect(movieLensFolderProblem(`${root}\0x`)).toMatch(/^MOVIELENS_DIR .* cannot be read: /);
  });

  it('finds a ratings.csv with no ratings: empty, or a header alone', () => {
    for (const ratings of ['', 'userId,movieId,rating,timestamp\n', 'userId,movieId,rating,timestamp\n\n']) {
      const dir = folder({ 'movies.csv': MOVIES, 'ratings.csv': ratings });
      expect(movieLensFolderProblem(dir)).toBe(`MOVIELENS_DIR ${dir} has an empty ratings.csv`);
    }
  });
});
