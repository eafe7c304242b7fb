import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { SlidingWindowLimiter } from './sliding-window.js';

const BEARER = /^Bearer +(\S+) *$/i;

/** The routes whose writes are limited per client and per user (the `:id` of the path). */
const LIMITED = new Set(['POST /users/:id/ratings']);

/**
 * The limits on rating writes, per client and per user, over a sliding window (see
 * SlidingWindowLimiter): what one compromised client can write, and what all clients together can
 * write as one user, in any minute. In the onRequest hook, before the body is read. A request
 * without a valid token is left to the guard's 401 (and to the general limit per address): only a
 * client can write. Over a limit: 429 in the common error shape with Retry-After (seconds).
 */
export function registerFeedbackLimits(
  fastify: FastifyInstance,
  limits: AppConfig['rateLimits'],
  identify: (bearerToken: string) => string | undefined,
): void {
  const limiter = new SlidingWindowLimiter({ windowMs: limits.feedbackWindowMs });
  const window = `${limits.feedbackWindowMs / 1000} s`;
  const check = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const client = token === undefined ? undefined : identify(token);
    const user = (request.params as { id?: string }).id;
    if (client === undefined || user === undefined || !/^\d{1,10}$/.test(user)) return done();
    const refused = limiter.take([
      { key: `client:${client}`, limit: limits.feedbackPerMinute },
      { key: `user:${Number(user)}`, limit: limits.feedbackPerUser },
    ]);
    if (!refused) return done();
    const seconds = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
    void reply.header('retry-after', String(seconds));
    const who = refused.key.startsWith('client:') ? `client ${client}` : `user ${Number(user)}`;
    done(
      new HttpException(
        `too many requests: at most ${refused.limit} ratings for ${who} in any ${window}; retry in ${seconds} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      ),
    );
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => LIMITED.has(`${String(method).toUpperCase()} ${route.url}`))) return;
    const hooks =
      route.onRequest === undefined
        ? []
        : Array.isArray(route.onRequest)
          ? route.onRequest
          : [route.onRequest];
    route.onRequest = [...hooks, check] as RouteOptions['onRequest'];
  });
}
