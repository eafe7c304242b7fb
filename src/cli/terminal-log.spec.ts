import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import { cliLoggerParams, readableLogLine } from './terminal-log.js';

const SHARING_NOTE =
  'sharing the embedded PostgreSQL that process 4242 runs on ./data/postgres (port 54329); it stops when that process stops (use DATABASE_URL for several long-running processes)';

/**
 * The logger the CLI builds from its parameters, and what it wrote to stderr. (Without a terminal
 * the lines stay JSON: test/cli.e2e-spec.ts reads them.)
 */
function cliLogger() {
  const [options, destination] = cliLoggerParams('warn', true).pinoHttp as [LoggerOptions, DestinationStream];
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return { logger: pino(options, destination), written, restore: () => spy.mockRestore() };
}

describe('the CLI log lines', () => {
  it('on a terminal, the note beside a running server is one plain line on stderr, not JSON', () => {
    const { logger, written, restore } = cliLogger();
    try {
      logger.warn({ context: 'DatabaseServer' }, SHARING_NOTE);
      logger.info('not shown at the terminal default level');
    } finally {
      restore();
    }
    expect(written).toEqual([`\r\x1b[Kwarning: ${SHARING_NOTE}\n`]);
  });

  it('turns any level and a message spread over lines into one line', () => {
    const line = (level: number, msg: string) =>
      readableLogLine(JSON.stringify({ level, time: '2026-12-01T00:00:00.000Z', msg }));
    expect(line(50, 'cleanup failed:\n  connection reset')).toBe(
      '\r\x1b[Kerror: cleanup failed: connection reset\n',
    );
    expect(line(30, 'pipeline run 3 started')).toBe('\r\x1b[Kinfo: pipeline run 3 started\n');
  });

  it('passes a line that is not a log entry through unchanged', () => {
    expect(readableLogLine('plain text\n')).toBe('plain text\n');
    expect(readableLogLine('[1,2]\n')).toBe('[1,2]\n');
  });
});
