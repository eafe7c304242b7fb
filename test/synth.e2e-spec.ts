import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/processes.js';

/** `evaluate`'s progress without a terminal: one JSON object per line, `{seconds, message}`. */
function progressMessages(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { message: string }).message);
}

/** `synth` writes a MovieLens folder without the app or a database; `evaluate` reads it back. */
describe('command line: synth', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'movie-reco-synth-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const args = ['--ratings', '5000', '--users', '100', '--movies', '500', '--seed', '11'];

  it('writes movies.csv and ratings.csv that evaluate reads', () => {
    const dir = join(root, 'clean');
    const result = runCli(['synth', ...args, '--out', dir], {});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\(5000 ratings from 100 users\)/);
    expect(readdirSync(dir).sort()).toEqual(['movies.csv', 'ratings.csv']);
    const ratings = readFileSync(join(dir, 'ratings.csv'), 'utf8').trimEnd().split('\n');
    expect(ratings[0]).toBe('userId,movieId,rating,timestamp');
    expect(ratings).toHaveLength(5001);
    expect(readFileSync(join(dir, 'movies.csv'), 'utf8').split('\n')[0]).toBe('movieId,title,genres');

    const evaluation = runCli(
      ['evaluate', '--source', dir, '--algorithms', 'popularity', '--protocol', 'session'],
      {},
    );
    expect(progressMessages(evaluation.stderr)[0]).toMatch(
      /^loaded .*: 5000 ratings, 500 movies \(skipped 0 rating and 0 movie rows\)$/,
    );
    expect(evaluation.status).toBe(0);
    expect(evaluation.stdout).toMatch(/^session\s+popularity\s+-\s+/m);
  });

  it('gives byte-identical files for the same arguments', () => {
    const dir = join(root, 'again');
    expect(runCli(['synth', ...args, '--out', dir], {}).status).toBe(0);
    for (const file of ['movies.csv', 'ratings.csv']) {
      expect(readFileSync(join(dir, file)).equals(readFileSync(join(root, 'clean', file)))).toBe(true);
    }
  });

  it('writes the asked share of malformed rows, which evaluate skips', () => {
    const dir = join(root, 'bad');
    expect(runCli(['synth', ...args, '--bad-share', '0.05', '--out', dir], {}).status).toBe(0);
    const evaluation = runCli(
      ['evaluate', '--source', dir, '--algorithms', 'popularity', '--protocol', 'session'],
      {},
    );
    expect(progressMessages(evaluation.stderr)[0]).toMatch(
      /: 4750 ratings, 500 movies \(skipped 250 rating and 0 movie rows\)$/,
    );
    expect(evaluation.status).toBe(0);
  });

  it.each([
    [['--ratings', '1000', '--users', '51'], /--users must be at most --ratings \/ 20/],
    [['--ratings', '-5'], /--ratings must be a non-negative integer/],
    [['--bad-share', '1.5'], /--bad-share must be a number from 0 to 1/],
  ])('refuses %j with exit code 2', (bad, message) => {
    const result = runCli(['synth', ...bad, '--out', join(root, 'refused')], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses without --out, and an --out folder that already has files', () => {
    const missing = runCli(['synth', ...args], {});
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--out <dir> is required/);
    const existing = runCli(['synth', ...args, '--out', join(root, 'clean')], {});
    expect(existing.status).toBe(2);
    expect(existing.stderr).toMatch(/already has files/);
  });
});
