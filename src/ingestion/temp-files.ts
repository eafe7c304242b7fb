import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * Temporary files of uploads and of the rows a batch quarantines. Each name carries the pid of the
 * process that made it, so a process starting up can tell the files of a dead one (swept) from
 * those of another process alive on the same host (left alone).
 */
const PREFIX = 'movie-reco-';
const KINDS = ['upload', 'quarantine'] as const;
type TempKind = (typeof KINDS)[number];
const NAME = new RegExp(`^${PREFIX}(${KINDS.join('|')})-(?:(\\d+)-)?[0-9a-f-]{36}\\.[a-z]+$`);

/** A new, unused path for a temporary file of `kind`, in `directory` (the system's by default). */
export function tempFilePath(kind: TempKind, extension: string, directory = tmpdir()): string {
  return join(directory, `${PREFIX}${kind}-${process.pid}-${randomUUID()}.${extension}`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own pid from before a restart (a container's pid 1)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files left by processes no longer running (a crash or kill -9 mid-upload):
 * those named with a dead pid, or with none (the names of earlier releases). Returns their names.
 */
export async function sweepStaleTempFiles(directory = tmpdir()): Promise<string[]> {
  const stale = (await readdir(directory)).filter((name) => {
    const match = NAME.exec(name);
    return match !== null && (match[2] === undefined || !alive(Number(match[2])));
  });
  await Promise.all(stale.map((name) => rm(join(directory, name), { force: true }).catch(() => undefined)));
  return stale;
}

/** At start, before any upload or run of this process: the sweep. */
@Injectable()
export class TempFileSweeper implements OnApplicationBootstrap {
  private readonly logger = new Logger(TempFileSweeper.name);

  async onApplicationBootstrap(): Promise<void> {
    const swept = await sweepStaleTempFiles().catch((error: Error) => {
      this.logger.warn(`could not sweep stale temporary files: ${error.message}`);
      return [];
    });
    if (swept.length > 0)
      this.logger.log({ files: swept }, `removed ${swept.length} temporary file(s) of stopped processes`);
  }
}
