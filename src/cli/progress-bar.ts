import { SingleBar } from 'cli-progress';
import type { ProgressReporter } from '../common/progress.js';

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** A progress bar on stderr, for a person watching a terminal. */
export function terminalProgress(): ProgressReporter {
  const bar = new SingleBar({
    stream: process.stderr,
    format: '{task} [{bar}] {percentage}% | {doneText} / {totalText} | {duration}s',
    hideCursor: true,
    clearOnComplete: false,
  });
  let total = 0;
  return {
    start(task, newTotal) {
      total = newTotal;
      bar.start(newTotal, 0, { task, doneText: formatBytes(0), totalText: formatBytes(newTotal) });
    },
    update(done) {
      bar.update(Math.min(done, total), { doneText: formatBytes(done) });
    },
    stop() {
      bar.stop();
    },
  };
}
