import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyRateLimit, { normalizeIP, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { BackoffStore } from './backoff-store.js';
import { registerFeedbackLimits } from './feedback-limits.js';

const MINUTE_MS = 60_000;
/** The longest a token-endpoint ban grows to. */
const MAX_TOKEN_BAN_MS = 60 * MINUTE_MS;

/** The client a valid bearer token names, or undefined (no token, or one that does not verify). */
export type IdentifyClient = (bearerToken: string) => string | undefined;

const BEARER = /^Bearer +(\S+) *$/i;

type RouteLimit = (RateLimitOptions & { maxBanMs?: number }) | false;

/**
 * Request limits on every route, by @fastify/rate-limit in the onRequest hook (before the body is
 * read): a general one per client (when a valid bearer token names one) or else per address; a
 * stricter one per address on POST /oauth/token whose wait doubles for each minute it is exceeded
 * (credential guessing). Rating writes are also limited per client and per user
 * (feedback-limits.ts). The health probes are never limited: a kubelet or load balancer shares one
 * address with everything else on its node. Over a limit: 429 in the common error shape with
 * Retry-After (seconds).
 */
export async function registerRateLimits(
  app: NestFastifyApplication,
  limits: AppConfig['rateLimits'],
  identify: IdentifyClient,
): Promise<void> {
  const address = (request: FastifyRequest) => `address:${normalizeIP(request.ip)}`;
  const clientOrAddress = (request: FastifyRequest) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const client = token === undefined ? undefined : identify(token);
    return client === undefined ? address(request) : `client:${client}`;
  };

  const policy = (method: string, url: string): RouteLimit | undefined => {
    if (url === '/status' || url.startsWith('/status/')) return false;
    if (method === 'POST' && url === '/oauth/token') {
      return {
        max: limits.tokenPerMinute,
        timeWindow: MINUTE_MS,
        keyGenerator: address,
        maxBanMs: MAX_TOKEN_BAN_MS,
      };
    }
    return limits.perMinute === 0 ? false : undefined;
  };

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  // Rating writes have their own sliding-window limits per client and per user, on top of this.
  registerFeedbackLimits(fastify, limits, identify);
  // Runs before the plugin's own onRoute hook (added when the plugin loads), which reads this.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const limit = policy(String(methods[0]).toUpperCase(), route.url);
    if (limit !== undefined) route.config = { ...route.config, rateLimit: limit } as RouteOptions['config'];
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: Math.max(limits.perMinute, 1),
    timeWindow: MINUTE_MS,
    keyGenerator: clientOrAddress,
    store: BackoffStore,
    // A rejection is an HttpException so that the global filter gives it the common shape.
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        `too many requests: at most ${context.max} a minute; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      ),
  });
}
