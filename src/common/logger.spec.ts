import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoOptions, readableLogs } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(pinoOptions('info'), stream), lines };
}

describe('log lines', () => {
  it('redact credentials wherever a line carries them', async () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJ.x.y', cookie: 'sid=1', accept: '*/*' } },
        body: { client_id: 'ops', client_secret: 's3cret-value' },
        client: { auth: { secret: 'nested-secret' } },
        password: 'pw',
      },
      'request',
    );
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify(lines);
    for (const secret of ['eyJ.x.y', 'sid=1', 's3cret-value', 'nested-secret', '"pw"']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' } },
      body: { client_id: 'ops', client_secret: '[redacted]' },
      app: 'movie-reco',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });
});

describe('the server log format', () => {
  it('is readable lines on a terminal or when asked for, JSON lines otherwise', () => {
    expect(readableLogs('auto', true)).toBe(true);
    expect(readableLogs('auto', false)).toBe(false);
    expect(readableLogs('pretty', false)).toBe(true);
    expect(readableLogs('json', true)).toBe(false);
  });
});
