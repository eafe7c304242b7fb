import { type ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from './request-claims.js';
import { ActsForUser, RequireScopes, RequireScopesWhen } from './require-scopes.decorator.js';
import { ScopesGuard } from './scopes.guard.js';
import { AppConfig } from '../config/app-config.js';
import { TokenService } from './token.service.js';

class Routes {
  public(): void {}

  @RequireScopes()
  anyToken(): void {}

  @RequireScopes('data:read')
  readData(): void {}

  @RequireScopes('models:write')
  promote(): void {}

  @RequireScopesWhen('userReads', 'users:read')
  userReads(): void {}

  @RequireScopes('users:read')
  @ActsForUser()
  userRatings(): void {}

  @RequireScopesWhen('userReads', 'users:read')
  @ActsForUser()
  userRecommendations(): void {}
}

@RequireScopes('pipeline:run')
class PipelineRoutes {
  @RequireScopes('data:read')
  runWithData(): void {}
}

const configOf = (env: Record<string, string> = {}) =>
  AppConfig.fromEnvironment(
    {},
    {
      AUTH_CLIENTS: JSON.stringify([
        { id: 'ops', secret: 'ops-secret-0123456789', scopes: ['pipeline:run', 'data:read', 'users:read'] },
      ]),
      JWT_SECRET: 'unit-test-jwt-secret-of-at-least-32-chars',
      ...env,
    },
  );
const tokens = new TokenService(configOf());
const guardOf = (env: Record<string, string> = {}) => new ScopesGuard(new Reflector(), tokens, configOf(env));
const guard = guardOf();
const bearer = async (scope?: string) =>
  `Bearer ${(await tokens.issue({ clientId: 'ops', clientSecret: 'ops-secret-0123456789', scope, viaBasicAuth: false })).access_token}`;

function call(
  controller: object,
  handler: string,
  authorization?: string,
  using = guard,
  params: Record<string, string> = {},
) {
  const request = { headers: { authorization }, params } as AuthenticatedRequest;
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return reply;
    },
  };
  const context = {
    getType: () => 'http',
    getHandler: () => (controller as Record<string, unknown>)[handler],
    getClass: () => controller.constructor,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  let error: unknown;
  let allowed: boolean | undefined;
  try {
    allowed = using.canActivate(context);
  } catch (e) {
    error = e;
  }
  return { allowed, error, headers, request };
}

describe('ScopesGuard', () => {
  const routes = new Routes();

  it('lets any request through to a route without @RequireScopes', async () => {
    expect(call(routes, 'public').allowed).toBe(true);
  });

  it('answers 401 with a Bearer challenge without a token or with a malformed header', async () => {
    for (const authorization of [undefined, 'Basic b3BzOng=', 'Bearer', 'Bearer a b']) {
      const { error, headers } = call(routes, 'anyToken', authorization);
      expect(error).toBeInstanceOf(UnauthorizedException);
      expect(headers['www-authenticate']).toBe('Bearer realm="movie-reco"');
    }
  });

  it('answers 401 naming invalid_token for a garbage token', async () => {
    const { error, headers } = call(routes, 'anyToken', 'Bearer not.a.jwt');
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).message).toBe('the access token is invalid');
    expect(headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('accepts any valid token on @RequireScopes() and leaves its claims on the request', async () => {
    const { allowed, request } = call(routes, 'anyToken', await bearer('data:read'));
    expect(allowed).toBe(true);
    expect(request.auth).toMatchObject({ clientId: 'ops', scopes: ['data:read'] });
  });

  it('accepts a token holding the scope', async () => {
    expect(call(routes, 'readData', await bearer('pipeline:run data:read')).allowed).toBe(true);
  });

  it('answers 403 naming the missing scope', async () => {
    const { error, headers } = call(routes, 'readData', await bearer('pipeline:run'));
    expect(error).toBeInstanceOf(ForbiddenException);
    expect((error as ForbiddenException).getStatus()).toBe(403);
    expect((error as ForbiddenException).message).toBe('the token lacks the scope(s): data:read');
    expect(headers['www-authenticate']).toBe(
      'Bearer realm="movie-reco", error="insufficient_scope", scope="data:read"',
    );
  });

  it('answers 403 for a scope the client does not have at all', async () => {
    expect(call(routes, 'promote', await bearer()).error).toBeInstanceOf(ForbiddenException);
  });

  it('requires the scopes of both the controller and the handler', async () => {
    const pipeline = new PipelineRoutes();
    expect(call(pipeline, 'runWithData', await bearer('pipeline:run data:read')).allowed).toBe(true);
    expect(call(pipeline, 'runWithData', await bearer('data:read')).error).toBeInstanceOf(ForbiddenException);
    expect(call(pipeline, 'runWithData', await bearer('pipeline:run')).error).toBeInstanceOf(
      ForbiddenException,
    );
  });

  describe('@RequireScopesWhen', () => {
    // NODE_ENV only sets USER_READS_REQUIRE_TOKEN's default (environment.spec.ts).
    const guarded = guardOf({ USER_READS_REQUIRE_TOKEN: 'true' });
    const open = guardOf({ USER_READS_REQUIRE_TOKEN: 'false' });

    it('guards the route when its setting is on: 401 without a token, 403 without the scope', async () => {
      expect(call(routes, 'userReads', undefined, guarded).error).toBeInstanceOf(UnauthorizedException);
      expect(call(routes, 'userReads', await bearer('data:read'), guarded).error).toBeInstanceOf(
        ForbiddenException,
      );
      expect(call(routes, 'userReads', await bearer('users:read'), guarded).allowed).toBe(true);
    });

    it('leaves the route open when it is off, even to a garbage token, and reads a valid one', async () => {
      expect(call(routes, 'userReads', undefined, open).allowed).toBe(true);
      expect(call(routes, 'userReads', 'Bearer not.a.jwt', open).allowed).toBe(true);
      const { allowed, request } = call(routes, 'userReads', await bearer('data:read'), open);
      expect(allowed).toBe(true);
      expect(request.auth?.clientId).toBe('ops');
    });

    it('is open by default outside production', () => {
      expect(call(routes, 'userReads', undefined, guard).allowed).toBe(true);
    });

    it('does not loosen plain @RequireScopes routes', () => {
      expect(call(routes, 'readData', undefined, open).error).toBeInstanceOf(UnauthorizedException);
    });
  });

  describe('a client bound to users', () => {
    const boundConfig = (env: Record<string, string> = {}) =>
      AppConfig.fromEnvironment(
        {},
        {
          AUTH_CLIENTS: JSON.stringify([
            { id: 'web', secret: 'web-secret-0123456789', scopes: ['users:read'], users: '1-1000,5000-5999' },
            { id: 'all', secret: 'all-secret-0123456789', scopes: ['users:read'] },
          ]),
          JWT_SECRET: 'unit-test-jwt-secret-of-at-least-32-chars',
          ...env,
        },
      );
    const boundTokens = new TokenService(boundConfig());
    const bound = new ScopesGuard(
      new Reflector(),
      boundTokens,
      boundConfig({ USER_READS_REQUIRE_TOKEN: 'true' }),
    );
    const open = new ScopesGuard(
      new Reflector(),
      boundTokens,
      boundConfig({ USER_READS_REQUIRE_TOKEN: 'false' }),
    );
    const tokenOf = async (id: string) =>
      `Bearer ${(await boundTokens.issue({ clientId: id, clientSecret: `${id}-secret-0123456789`, viaBasicAuth: false })).access_token}`;

    it('may act for its users', async () => {
      for (const id of ['1', '1000', '5000', '5999'])
        expect(call(routes, 'userRatings', await tokenOf('web'), bound, { id }).allowed).toBe(true);
    });

    it('gets 403 for a user outside them, saying which users it has', async () => {
      const { error, request } = call(routes, 'userRatings', await tokenOf('web'), bound, { id: '6000001' });
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).message).toBe(
        'client "web" may not act for user 6000001: its users are 1-1000,5000-5999 (AUTH_CLIENTS "users")',
      );
      expect(request.auth?.clientId).toBe('web');
      expect(
        call(routes, 'userRecommendations', await tokenOf('web'), bound, { id: '1001' }).error,
      ).toBeInstanceOf(ForbiddenException);
    });

    it('leaves a malformed id to validation, and routes not acting for a user alone', async () => {
      expect(call(routes, 'userRatings', await tokenOf('web'), bound, { id: 'abc' }).allowed).toBe(true);
      expect(call(routes, 'userRatings', await tokenOf('web'), bound, { id: '0x10' }).allowed).toBe(true);
      expect(call(routes, 'userReads', await tokenOf('web'), bound, { id: '6000001' }).allowed).toBe(true);
    });

    it('is not checked where the route is open, nor for a client with no users', async () => {
      expect(call(routes, 'userRecommendations', await tokenOf('web'), open, { id: '6000001' }).allowed).toBe(
        true,
      );
      expect(call(routes, 'userRatings', await tokenOf('all'), bound, { id: '6000001' }).allowed).toBe(true);
    });
  });
});
