import { createInterface } from 'node:readline/promises';
import { buildProgram, CliUsageError, CommanderError } from './cli/commands.js';
import { terminalProgress } from './cli/progress-bar.js';
import { maskUrlPasswords } from './config/mask-url.js';

/** The app's modules, loaded by the first command that opens them (see cli/open-app.ts). */
let appLoader: Promise<typeof import('./cli/open-app.js')> | undefined;
const loadApp = () => (appLoader ??= import('./cli/open-app.js'));

/** Stops an embedded server this process started; nothing to do when no command opened the app. */
async function stopEmbedded(): Promise<void> {
  if (appLoader) await (await appLoader).stopEmbeddedServers().catch(() => undefined);
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram({
    // Configuration is read when a command opens the app: those that do not (help, synth,
    // evaluate, auth hash-secret — which fixes a production configuration) work whatever the
    // environment holds.
    open: async (options) => (await loadApp()).openApp(options),
    progress: () => (process.stderr.isTTY ? terminalProgress() : undefined),
    out: (text) => process.stdout.write(`${text}\n`),
    confirm: async (question) => {
      if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
  });
  await program.parseAsync(argv);
  return 0;
}

/** How long an interrupted command may take to cancel its run and record it (a second Ctrl-C: at once). */
const INTERRUPT_GRACE_MS = 10_000;

// Interrupted, the CLI cancels its pipeline run (recorded `cancelled`, the unfinished stage rolled
// back) and stops the embedded server it started rather than leave it running.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`interrupted (${signal}); nothing of the unfinished work is kept\n`);
    process.once(signal, () => process.exit(code));
    const closing = appLoader
      ? appLoader.then((app) => app.closeOnInterrupt(INTERRUPT_GRACE_MS))
      : Promise.resolve();
    void closing.catch(() => undefined).finally(() => process.exit(code));
  });
}

main(process.argv).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (or the help asked for); any failure is a usage error.
      await stopEmbedded();
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    const message = maskUrlPasswords(error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${message}\n`);
    if (!(error instanceof CliUsageError) && process.env.LOG_LEVEL === 'debug' && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
    await stopEmbedded();
    process.exit(error instanceof CliUsageError ? 2 : 1);
  },
);
