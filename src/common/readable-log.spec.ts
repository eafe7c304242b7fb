import { readableServerLine } from './readable-log.js';

/** A pino line as the server writes it, at 14:03:07.412 local time. */
function line(fields: Record<string, unknown>): string {
  const time = new Date(2026, 11, 7, 14, 3, 7, 412).toISOString();
  return `${JSON.stringify({ level: 30, time, app: 'movie-reco', pid: 42, hostname: 'vm', ...fields })}\n`;
}

describe('the server log lines on a terminal', () => {
  it('show the local time, level, context, message and the fields of a run', () => {
    expect(
      readableServerLine(
        line({
          context: 'PipelineRunner',
          runId: 3,
          stage: 'train',
          status: 'succeeded',
          seconds: 41.2,
          rows: 72901,
          msg: 'stage train succeeded',
        }),
      ),
    ).toBe(
      '14:03:07.412 INFO  PipelineRunner: stage train succeeded  runId=3 stage=train status=succeeded seconds=41.2 rows=72901\n',
    );
  });

  it('leave out what a person does not read: pid, hostname, request ids, headers', () => {
    expect(
      readableServerLine(
        line({
          context: 'Access',
          reqId: 'req-1',
          method: 'GET',
          route: '/movies',
          path: '/movies',
          status: 200,
          durationMs: 1.4,
          ip: '127.0.0.1',
          msg: 'GET /movies 200 1.4 ms',
        }),
      ),
    ).toBe('14:03:07.412 INFO  Access: GET /movies 200 1.4 ms\n');
  });

  it('name the level of a warning or an error, and add an error the message does not hold', () => {
    expect(readableServerLine(line({ level: 40, context: 'Auth', msg: 'AUTH_CLIENTS is not set' }))).toBe(
      '14:03:07.412 WARN  Auth: AUTH_CLIENTS is not set\n',
    );
    expect(
      readableServerLine(
        line({
          level: 50,
          context: 'ExceptionsHandler',
          err: {
            type: 'Error',
            message: 'connect ECONNREFUSED',
            stack: 'Error: connect ECONNREFUSED\n    at x',
          },
          msg: 'unhandled error',
        }),
      ),
    ).toBe('14:03:07.412 ERROR ExceptionsHandler: unhandled error  error="connect ECONNREFUSED"\n');
    expect(
      readableServerLine(
        line({ level: 50, runId: 4, err: { message: 'boom' }, msg: 'cleanup failed: boom' }),
      ),
    ).toBe('14:03:07.412 ERROR cleanup failed: boom  runId=4\n');
  });

  it("leave out Nest's line per module and per route at start, not its other lines", () => {
    expect(
      readableServerLine(line({ context: 'InstanceLoader', msg: 'AppModule dependencies initialized' })),
    ).toBe('');
    expect(readableServerLine(line({ context: 'RouterExplorer', msg: 'Mapped {/movies, GET} route' }))).toBe(
      '',
    );
    expect(
      readableServerLine(line({ context: 'NestApplication', msg: 'Nest application successfully started' })),
    ).toBe('14:03:07.412 INFO  NestApplication: Nest application successfully started\n');
  });

  it('keep one line per entry, quote text with spaces, and pass anything else through', () => {
    expect(
      readableServerLine(line({ msg: 'Invalid configuration:\n  - PORT="abc"', trigger: 'cron job' })),
    ).toBe('14:03:07.412 INFO  Invalid configuration: - PORT="abc"  trigger="cron job"\n');
    expect(readableServerLine('not json\n')).toBe('not json\n');
    expect(readableServerLine('[1,2]\n')).toBe('[1,2]\n');
  });
});
