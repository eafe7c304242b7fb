import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSynthOptions, runSynthCommand, SynthUsageError } from './synth-command.js';

describe('synth command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'movie-reco-synth-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to MovieLens 25M counts', () => {
    expect(parseSynthOptions({ out: dir })).toMatchObject({
      ratings: 25_000_095,
      users: 162_541,
      movies: 62_423,
      badShare: 0,
    });
  });

  it.each([
    [{}, /--out <dir> is required/],
    [{ out: 'x', ratings: '-5' }, /--ratings must be a non-negative integer; got "-5"/],
    [{ out: 'x', ratings: '1000', users: '51' }, /--users must be at most --ratings \/ 20/],
    [{ out: 'x', badShare: '-0.1' }, /--bad-share must be a number from 0 to 1/],
    [{ out: 'x', badShare: '2' }, /--bad-share must be a number from 0 to 1/],
    [{ out: 'x', seed: 'abc' }, /--seed must be a non-negative integer/],
  ])('refuses %j', (options, message) => {
    expect(() => parseSynthOptions(options)).toThrow(SynthUsageError);
    expect(() => parseSynthOptions(options)).toThrow(message);
  });

  it('writes both files, byte-identical for the same arguments, and refuses a folder with files', async () => {
    const args = { ratings: '3000', users: '40', movies: '300', seed: '5' };
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), log: () => undefined };
    await runSynthCommand({ ...args, out: join(dir, 'a') }, io);
    await runSynthCommand({ ...args, out: join(dir, 'b') }, io);
    expect(lines[0]).toMatch(/\(3000 ratings from 40 users\)/);
    for (const file of ['movies.csv', 'ratings.csv']) {
      expect(readFileSync(join(dir, 'a', file)).equals(readFileSync(join(dir, 'b', file)))).toBe(true);
    }
    expect(readFileSync(join(dir, 'a', 'ratings.csv'), 'utf8').split('\n')).toHaveLength(3002); // + header, final line break

    await expect(runSynthCommand({ ...args, out: join(dir, 'a') }, io)).rejects.toThrow(/already has files/);
    writeFileSync(join(dir, 'file'), '');
    await expect(runSynthCommand({ ...args, out: join(dir, 'file') }, io)).rejects.toThrow(/not a folder/);
  });
});
