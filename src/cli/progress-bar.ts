import { SingleBar } from 'cli-progress';
import type { ProgressReporter, StageOutcome } from '../common/progress.js';

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

const MARKS: Record<StageOutcome['status'], string> = {
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  cancelled: '■',
};

/** One line for a finished stage: mark, name, elapsed time, rows and error if any. */
export function formatStageLine(name: string, outcome: StageOutcome): string {
  const rows = outcome.rows === undefined ? '' : `  ${outcome.rows.toLocaleString('en-US')} rows`;
  const error = outcome.error === undefined ? '' : `  ${outcome.error}`;
  const status = outcome.status === 'succeeded' ? '' : ` ${outcome.status}`;
  return `${MARKS[outcome.status]} ${name.padEnd(10)}${status} ${outcome.seconds.toFixed(1).padStart(6)} s${rows}${error}`;
}

type Stream = Pick<NodeJS.WriteStream, 'write'>;

/**
 * On a terminal: a line per pipeline stage, its elapsed time ticking while it runs, and a bar
 * for the steps that count their work (a file read, the models trained).
 */
export function terminalProgress(stream: Stream & NodeJS.WriteStream = process.stderr): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: '  {task} [{bar}] {percentage}% | {doneText} / {totalText} | {duration}s',
    hideCursor: true,
    clearOnComplete: true,
  });
  let total = 0;
  let unit: 'bytes' | 'steps' = 'bytes';
  let barActive = false;
  let stage: { name: string; startedAt: number } | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const text = (done: number) => (unit === 'bytes' ? formatBytes(done) : String(done));
  const tick = () => {
    if (!stage || barActive) return;
    const seconds = ((Date.now() - stage.startedAt) / 1000).toFixed(0);
    stream.write(`\r\x1b[K… ${stage.name.padEnd(10)} ${seconds.padStart(6)} s`);
  };
  return {
    start(task, newTotal, newUnit = 'bytes') {
      total = newTotal;
      unit = newUnit;
      if (stage) stream.write('\r\x1b[K');
      barActive = true;
      bar.start(newTotal, 0, { task, doneText: text(0), totalText: text(newTotal) });
    },
    update(done) {
      bar.update(Math.min(done, total), { doneText: text(done) });
    },
    stop() {
      bar.stop();
      barActive = false;
      tick();
    },
    stageStarted(name) {
      stage = { name, startedAt: Date.now() };
      tick();
      ticker ??= setInterval(tick, 1000).unref();
    },
    stageFinished(name, outcome) {
      stage = undefined;
      clearInterval(ticker);
      ticker = undefined;
      stream.write(`\r\x1b[K${formatStageLine(name, outcome)}\n`);
    },
  };
}

/**
 * Progress lines of a command that runs in steps (evaluate): on a terminal each line led by the
 * seconds since the command started; otherwise one JSON object per line, for a log collector.
 */
export function timedLines(stream: Stream, terminal: boolean, now = () => performance.now()) {
  const startedAt = now();
  return (line: string): void => {
    const seconds = Math.round(now() - startedAt) / 1000;
    stream.write(
      terminal
        ? `${seconds.toFixed(1).padStart(7)} s  ${line}\n`
        : `${JSON.stringify({ seconds, message: line })}\n`,
    );
  };
}
