/** Where long-running work reports how far it got; the CLI draws a bar, the app logs lines. */
export interface ProgressReporter {
  start(label: string, total: number): void;
  update(done: number, detail?: Record<string, number>): void;
  stop(): void;
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
  };
}
