/** What a finished pipeline stage reports to a progress display. */
export interface StageOutcome {
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  seconds: number;
  rows?: number;
  error?: string;
}

/** Where long-running work reports how far it got; the CLI draws a bar, the app logs lines. */
export interface ProgressReporter {
  /** `unit`: what `total` counts, bytes (a file read) unless said otherwise. */
  start(label: string, total: number, unit?: 'bytes' | 'steps'): void;
  update(done: number, detail?: Record<string, number>): void;
  stop(): void;
  /** A pipeline stage began (a run's stages, in order). */
  stageStarted?(name: string): void;
  stageFinished?(name: string, outcome: StageOutcome): void;
}

/** Structured log lines, at most one every `intervalMs`, for terminals nobody watches. */
export function loggingProgress(
  log: (fields: Record<string, unknown>, message: string) => void,
  intervalMs = 2000,
): ProgressReporter {
  let label = '';
  let total = 0;
  let startedAt = 0;
  let lastLogAt = 0;
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      startedAt = Date.now();
      lastLogAt = startedAt;
    },
    update(done, detail = {}) {
      const now = Date.now();
      if (now - lastLogAt < intervalMs) return;
      lastLogAt = now;
      const percent = total > 0 ? Math.round((1000 * done) / total) / 10 : 0;
      log(
        { task: label, done, total, percent, seconds: (now - startedAt) / 1000, ...detail },
        `${label}: ${percent}%`,
      );
    },
    stop() {
      label = '';
    },
    // The end of a stage is logged by the runner itself, with its figures.
    stageStarted(name) {
      log({ stage: name, status: 'running' }, `stage ${name} started`);
    },
  };
}
