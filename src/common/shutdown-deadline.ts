const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ShutdownDeadlineOptions {
  graceMs: number;
  /** What must happen even on a forced exit (stopping a child database server), bounded by the deadline. */
  lastly: () => Promise<void>;
  log: (message: string) => void;
  exit?: (code: number) => void;
  /** Where the signals arrive (the process; a stand-in in tests). */
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * Bounds a graceful stop. The first SIGTERM/SIGINT starts the app's own shutdown (Nest's hooks);
 * if the process is still there `graceMs` later — a stage blocked in the database, say — or a
 * second signal arrives (a second Ctrl-C), it ends by force: `lastly`, then exit 1. An orchestrator
 * that kills at its own grace period would leave no log line and, on the embedded database, a
 * server running without its owner.
 */
export function armShutdownDeadline(options: ShutdownDeadlineOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: NodeJS.Timeout | undefined;
  let forced = false;
  const force = (why: string) => {
    if (forced) return;
    forced = true;
    options.log(`${why}: ending the process now`);
    const leave = setTimeout(() => exit(1), 1000);
    leave.unref();
    void options
      .lastly()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(leave);
        exit(1);
      });
  };
  const onSignal = (signal: string) => {
    if (stopping !== undefined) return force(`${signal} again while stopping`);
    stopping = setTimeout(
      () => force(`still stopping after SHUTDOWN_GRACE_SECONDS (${options.graceMs / 1000} s)`),
      // A second of the grace is kept for `lastly` and the exit itself.
      Math.max(options.graceMs - 1000, 0),
    );
    stopping.unref();
  };
  const signals = options.signals ?? process;
  const listeners = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) signals.on(signal, listener);
  return () => {
    clearTimeout(stopping);
    for (const [signal, listener] of listeners) signals.off(signal, listener);
  };
}
