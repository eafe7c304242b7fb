import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StagedChunk, stageRatingsJob } from './rating-rows-job.js';

const NOW = Date.UTC(2026, 0, 1) / 1000;

describe('stageRatingsJob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rating-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const run = async (csv: string | Buffer) => {
    const path = join(dir, `ratings-${++n}.csv`);
    writeFileSync(path, csv);
    const quarantineFile = join(dir, `quarantine-${n}.copy`);
    const chunks: StagedChunk[] = [];
    const result = await stageRatingsJob(
      {
        source: { kind: 'file', path, totalBytes: 0 },
        fileLabel: 'up.csv',
        includeMomentless: true,
        requireHeader: true,
        nowSeconds: NOW,
        quarantineFile,
      },
      async (chunk) => void chunks.push(chunk),
    );
    return {
      result,
      copy: chunks.map((c) => c.copy).join(''),
      quarantine: readFileSync(quarantineFile, 'utf8'),
    };
  };

  it('hands good rows over as COPY text and writes bad ones, with a reason, to the quarantine file', async () => {
    const { result, copy, quarantine } = await run(
      Buffer.concat([
        Buffer.from('userId,movieId,rating,timestamp\n1,2,4.5,1260759144\n'),
        Buffer.from('1,3,4.0,12607\u000059144\n1,4,9,1260759144\n1,5,4,1260759145\n'),
      ]),
    );
    expect(result).toEqual({
      considered: 4,
      quarantined: 2,
      keys: { movieIds: [2, 5], mayHoldDuplicates: false },
    });
    // The raw text travels only where it is not the canonical one.
    expect(copy).toBe('2\t\\N\t1\t2\t4.5\t1260759144\n5\t1,5,4,1260759145\t1\t5\t4\t1260759145\n');
    expect(quarantine).toBe(
      'up.csv\t3\t1,3,4.0,12607\u240059144\tcontrol_bytes\tthe row holds the control byte 0x00 (NUL)\t\\N\n' +
        'up.csv\t4\t1,4,9,1260759144\trating\trating is not between 0.5 and 5.0 in steps of 0.5\t1260759144\n',
    );
  });

  it('refuses a file that does not start with the header, naming what it found', async () => {
    await expect(run('1,2,4.5,1260759144\n')).rejects.toThrow(
      'up.csv must start with the header userId,movieId,rating,timestamp; found "1,2,4.5,1260759144"',
    );
  });
});
