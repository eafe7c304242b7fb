import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepStaleTempFiles, tempFilePath } from './temp-files.js';

describe('temporary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'temp-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each with the kind and the pid of the process that made it', () => {
    expect(tempFilePath('upload', 'csv', dir)).toMatch(
      new RegExp(`^${dir}/movie-reco-upload-${process.pid}-[0-9a-f-]{36}\\.csv$`),
    );
  });

  it('sweeps those of dead processes (and of this pid, from before a restart), never a live one’s', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const uuid = '0b0e6f43-8a1f-4c57-9d38-1f2a3b4c5d6e';
    const files = {
      dead: `movie-reco-upload-${deadPid}-${uuid}.csv`,
      deadQuarantine: `movie-reco-quarantine-${deadPid}-${uuid}.copy`,
      ownPid: `movie-reco-upload-${process.pid}-${uuid}.csv`,
      earlierRelease: `movie-reco-upload-${uuid}.csv`,
      live: `movie-reco-upload-${process.ppid}-${uuid}.csv`,
      unrelated: 'movie-reco-notes.txt',
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), 'x');
    const swept = await sweepStaleTempFiles(dir);
    expect(swept.sort()).toEqual(
      [files.dead, files.deadQuarantine, files.ownPid, files.earlierRelease].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual([files.live, files.unrelated].sort());
  });
});
