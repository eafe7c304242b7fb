import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempFolder, removeOrphanedTempFolders } from './temp-folders.js';

describe('training temp folders', () => {
  const systemTmp = tmpdir();
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(systemTmp, 'temp-folders-spec-'));
    process.env.TMPDIR = folder;
  });
  afterEach(() => {
    process.env.TMPDIR = systemTmp;
    rmSync(folder, { recursive: true, force: true });
  });

  it("removes the folders of a process that is gone, and keeps a live one's and anything else", async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const mine = await makeTempFolder('fit');
    mkdirSync(join(folder, `movie-reco-artifact-${gone}-abc`));
    mkdirSync(join(folder, `movie-reco-fit-${gone}-def`));
    mkdirSync(join(folder, 'movie-reco-other-1-x'));
    expect(mine.startsWith(join(folder, `movie-reco-fit-${process.pid}-`))).toBe(true);

    const removed = await removeOrphanedTempFolders();

    expect(removed.sort()).toEqual([`movie-reco-artifact-${gone}-abc`, `movie-reco-fit-${gone}-def`]);
    expect(readdirSync(folder).sort()).toEqual(
      ['movie-reco-other-1-x', mine.slice(folder.length + 1)].sort(),
    );
  });
});
