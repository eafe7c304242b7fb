import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_DIR } from './support/fixtures.js';
import { runCli } from './support/processes.js';

/** `evaluate` reads a MovieLens folder and needs no database: no DATABASE_URL is given. */
describe('command line: evaluate', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'movie-reco-evaluate-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('evaluates every algorithm on a folder, prints the table and writes the JSON report', () => {
    const jsonFile = join(out, 'evaluation.json');
    const result = runCli(['evaluate', '--source', FIXTURE_DIR, '--json', jsonFile], {});
    // Not a terminal: each progress line is a JSON object with the seconds since the start.
    const progress = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(progress[0]).toEqual({
      seconds: expect.any(Number),
      message: expect.stringMatching(
        /^loaded .*: 225 ratings, 30 movies \(skipped 9 rating and 1 movie rows\)$/,
      ),
    });
    expect(progress).toContainEqual({
      seconds: expect.any(Number),
      message: 'next-day popularity: tuning, fitting and scoring…',
    });
    expect(result.status).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(
      /^protocol\s+algorithm\s+params\s+P@10\s+R@10\s+NDCG@10 ± se\s+HR@10\s+MAP@10\s+coverage\s+users\s+fit s$/,
    );
    expect(rows[0]).toMatch(/^session\s+popularity\s+-\s+/);
    expect(rows.some((row) => /^next-day\s+popularity\s+-\s+/.test(row))).toBe(true);

    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report.dataset).toMatchObject({ movies: 30, ratings: 225, users: 21 });
    expect(report.dataset.train_ratings + report.dataset.test_ratings.session).toBe(225);
    // The next-day test keeps only ratings a day or more after the user's last train rating.
    expect(report.dataset.test_ratings['next-day']).toBeLessThanOrEqual(report.dataset.test_ratings.session);
    expect(report.protocol).toMatchObject({ min_ratings: 5, test_fraction: 0.2, k: 10, gap_seconds: 86400 });
    expect(report.results.length).toBeGreaterThanOrEqual(1);
    for (const entry of report.results) {
      expect(entry).toEqual({
        protocol: expect.stringMatching(/^(session|next-day)$/),
        algorithm: expect.any(String),
        params: expect.any(Object),
        'precision@10': expect.any(Number),
        'recall@10': expect.any(Number),
        'ndcg@10': expect.any(Number),
        'ndcg@10_se': expect.any(Number),
        'hit_rate@10': expect.any(Number),
        'map@10': expect.any(Number),
        coverage: expect.any(Number),
        users: expect.any(Number),
        fit_seconds: expect.any(Number),
      });
      expect(entry['ndcg@10']).toBeGreaterThanOrEqual(0);
      expect(entry['ndcg@10']).toBeLessThanOrEqual(1);
      expect(entry.users).toBeGreaterThan(0);
    }
    expect(report.results.map((entry: { algorithm: string }) => entry.algorithm)).toContain('popularity');
    expect(report.chosen === null || typeof report.chosen === 'string').toBe(true);
    expect(report.chosen).not.toBe('popularity');
    expect(rows.at(-1)).toMatch(
      report.chosen === null ? /^No personalised model/ : /^For known users it would choose /,
    );
  });

  it('runs only the algorithms asked for', () => {
    const jsonFile = join(out, 'popularity.json');
    const result = runCli(
      ['evaluate', '--source', FIXTURE_DIR, '--algorithms', 'popularity', '--json', jsonFile],
      {},
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report.results.map((entry: { algorithm: string }) => entry.algorithm)).toEqual([
      'popularity',
      'popularity',
    ]);
    expect(report.chosen).toBeNull();
  });

  it('evaluates one protocol when asked, with the gap given in days', () => {
    const jsonFile = join(out, 'next-day.json');
    const result = runCli(
      [
        'evaluate',
        '--source',
        FIXTURE_DIR,
        '--algorithms',
        'popularity',
        '--protocol',
        'next-day',
        '--gap-days',
        '2',
        '--json',
        jsonFile,
      ],
      {},
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report.results.map((entry: { protocol: string }) => entry.protocol)).toEqual(['next-day']);
    expect(report.protocol.gap_seconds).toBe(172800);
    expect(runCli(['evaluate', '--source', FIXTURE_DIR, '--protocol', 'weekly'], {}).status).toBe(2);
  });

  it('exits with 2 on bad arguments and 1 on a missing folder', () => {
    expect(runCli(['evaluate'], {}).status).toBe(2);
    const unknown = runCli(['evaluate', '--source', FIXTURE_DIR, '--algorithms', 'popularity,magic'], {});
    expect(unknown).toMatchObject({ status: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/error: unknown algorithm\(s\): magic; available: popularity/);
    const missing = runCli(['evaluate', '--source', join(out, 'nowhere')], {});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`error: the folder ${join(out, 'nowhere')} does not exist\n`);
  });
});
