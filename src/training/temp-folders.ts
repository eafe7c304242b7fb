import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a training run keeps in TMPDIR: the fitted models' files, and the bundle until registered. */
export type TempFolderPurpose = 'fit' | 'artifact';

const NAMED = /^movie-reco-(?:fit|artifact)-(\d+)-/;

/**
 * A new folder under TMPDIR for `purpose`, named with this process's id, so that a later run can
 * tell the leftovers of a process that is gone (see removeOrphanedTempFolders).
 */
export function makeTempFolder(purpose: TempFolderPurpose): Promise<string> {
  return mkdtemp(join(tmpdir(), `movie-reco-${purpose}-${process.pid}-`));
}

/**
 * Removes the training folders of processes that no longer run: a process killed mid-run leaves
 * its models and bundle (over 2 GB at 25M ratings) behind. Returns the folders removed.
 */
export async function removeOrphanedTempFolders(): Promise<string[]> {
  const orphaned = (await readdir(tmpdir())).filter((name) => {
    const pid = NAMED.exec(name)?.[1];
    return pid !== undefined && !isRunning(Number(pid));
  });
  await Promise.all(orphaned.map((name) => rm(join(tmpdir(), name), { recursive: true, force: true })));
  return orphaned;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
