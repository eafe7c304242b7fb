import { BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { HttpExceptionFilter } from './http-exception.filter.js';

function capture(exception: unknown) {
  const sent: { status?: number; body?: Record<string, unknown> } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ url: '/movies?x=1' }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

describe('HttpExceptionFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('gives a 404 the common shape', () => {
    const { status, body } = capture(new NotFoundException('movie 9 not found'));
    expect(status).toBe(404);
    expect(body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      message: 'movie 9 not found',
      path: '/movies?x=1',
    });
    expect(body?.details).toBeUndefined();
  });

  it('lists every validation problem in details', () => {
    const { body } = capture(new BadRequestException({ message: ['a is wrong', 'b is wrong'] }));
    expect(body).toMatchObject({
      statusCode: 400,
      message: 'a is wrong; b is wrong',
      details: ['a is wrong', 'b is wrong'],
    });
  });

  it('keeps the status of a framework client error (e.g. malformed JSON)', () => {
    const error = Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 });
    expect(capture(error)).toMatchObject({ status: 400, body: { message: 'Body is not valid JSON' } });
  });

  it('hides the details of an unexpected error behind a 500', () => {
    const { status, body } = capture(new TypeError('cannot read x of undefined'));
    expect(status).toBe(500);
    expect(body?.message).toBe('Internal server error');
  });
});
