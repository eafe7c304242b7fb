import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import type { AuthClient } from '../config/auth-clients.js';
import { isSecretHash, verifySecretHash } from '../config/secret-hash.js';
import { OAuthException } from './oauth-error.js';
import { isScope, type Scope } from '../config/scopes.js';
import { SecretChecks } from './secret-checks.js';
import type { TokenRequest } from './token-request.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** What a verified access token says. */
export interface TokenClaims {
  clientId: string;
  scopes: Scope[];
  expiresAt: Date;
}

/** A bearer token that must be refused; the message is safe to show the caller. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

interface JwtPayload {
  sub?: unknown;
  client_id?: unknown;
  scope?: unknown;
  exp?: unknown;
  iat?: unknown;
}

const ISSUER = 'movie-reco';
const AUDIENCE = 'movie-reco-admin';

/** Clock difference tolerated between the token's `iat` and this server's clock. */
const CLOCK_SKEW_SECONDS = 30;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Constant-time secret check against the configured secret or its scrypt hash. Hashing a plain
 * secret first gives both sides the same length, so neither the length nor the first differing
 * character of the secret shows in the response time.
 */
async function secretMatches(given: string, expected: string): Promise<boolean> {
  if (isSecretHash(expected)) return verifySecretHash(given, expected);
  return timingSafeEqual(sha256(given), sha256(expected));
}

/** Issues and verifies the HS256 JWT access tokens of the client-credentials grant. */
@Injectable()
export class TokenService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly clients: Map<string, AuthClient>;
  private readonly ttlSeconds: number;
  /** Undefined when no client is configured: nothing is issued and every token is refused. */
  private readonly jwt?: JwtService;
  private readonly checks = new SecretChecks();
  private readonly userReadsRequireToken: boolean;

  constructor(config: AppConfig) {
    const { clients, jwtSecret, tokenTtlSeconds, userReadsRequireToken } = config.auth;
    this.userReadsRequireToken = userReadsRequireToken;
    this.clients = new Map(clients.map((client) => [client.id, client]));
    this.ttlSeconds = tokenTtlSeconds;
    if (this.clients.size > 0 && jwtSecret) {
      this.jwt = new JwtService({
        secret: jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: ISSUER, audience: AUDIENCE },
        // Pinning the algorithm refuses "alg: none" and algorithm-confusion tokens.
        verifyOptions: { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE },
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // One check timed before the first request, so that an unknown id's refusal is timed like a
    // real check from the start.
    const hashed = this.jwt
      ? [...this.clients.values()].find((client) => isSecretHash(client.secret))
      : undefined;
    if (hashed) {
      const started = performance.now();
      await verifySecretHash(randomUUID(), hashed.secret);
      this.checks.recordDuration(performance.now() - started);
    }
    if (!this.jwt) {
      const userReads = this.userReadsRequireToken
        ? ', as are per-user recommendations (USER_READS_REQUIRE_TOKEN)'
        : '';
      this.logger.warn(
        `AUTH_CLIENTS is not set: POST /oauth/token answers invalid_client; admin routes and sending or reading ratings are unreachable (401)${userReads}`,
      );
    }
  }

  /** The client-credentials grant: authenticates the client and signs a token for the scopes asked. */
  async issue(request: TokenRequest): Promise<TokenResponse> {
    const client = await this.authenticate(request);
    const scopes = this.grantedScopes(client, request.scope);
    const scope = scopes.join(' ');
    const access_token = this.jwt!.sign(
      { client_id: client.id, scope },
      { subject: client.id, expiresIn: this.ttlSeconds, jwtid: randomUUID() },
    );
    return { access_token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope };
  }

  /** Checks signature, expiry, issuer and audience; throws InvalidTokenError when any is wrong. */
  verify(token: string): TokenClaims {
    if (!this.jwt) throw new InvalidTokenError('no token is valid: the server has no OAuth clients');
    let payload: JwtPayload;
    try {
      payload = this.jwt.verify<JwtPayload>(token);
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw new InvalidTokenError('the access token has expired');
      }
      throw new InvalidTokenError('the access token is invalid');
    }
    const { sub, scope, exp, iat } = payload;
    if (
      typeof sub !== 'string' ||
      typeof scope !== 'string' ||
      typeof exp !== 'number' ||
      typeof iat !== 'number'
    ) {
      throw new InvalidTokenError('the access token is invalid');
    }
    // A validly signed token may still outlive what this server issues (a leaked key, an older
    // configuration): it lives at most the configured lifetime, and was not issued in the future.
    const now = Math.floor(Date.now() / 1000);
    if (exp - iat > this.ttlSeconds + CLOCK_SKEW_SECONDS || iat > now + CLOCK_SKEW_SECONDS) {
      throw new InvalidTokenError('the access token lives longer than this server allows');
    }
    // Configuration wins over a token still within its lifetime: a client removed from
    // AUTH_CLIENTS, or a scope taken from it, stops working at the next restart.
    const client = this.clients.get(sub);
    if (!client) throw new InvalidTokenError('the access token belongs to an unknown client');
    const scopes = scope.split(' ').filter((s): s is Scope => isScope(s) && client.scopes.includes(s));
    return { clientId: sub, scopes, expiresAt: new Date(exp * 1000) };
  }

  /** Whether `id` names a configured client: the logs show any other id masked. */
  isKnownClient(id: string): boolean {
    return this.jwt !== undefined && this.clients.has(id);
  }

  private async authenticate(request: TokenRequest): Promise<AuthClient> {
    const client = this.jwt ? this.clients.get(request.clientId) : undefined;
    const matches = await this.checks.check(
      request.clientId,
      client && (() => secretMatches(request.clientSecret, client.secret)),
      request.viaBasicAuth,
    );
    if (!client || !matches) {
      throw new OAuthException('invalid_client', 'unknown client or wrong secret', request.viaBasicAuth);
    }
    return client;
  }

  private grantedScopes(client: AuthClient, requested: string | undefined): Scope[] {
    if (requested === undefined) return [...client.scopes];
    const asked = [...new Set(requested.split(' ').filter(Boolean))];
    const refused = asked.filter((scope) => !(client.scopes as string[]).includes(scope));
    if (refused.length > 0) {
      // Only scopes that exist are named back: a secret pasted into `scope` is not echoed.
      const named = refused.filter(isScope);
      const unknown = refused.length - named.length;
      const listed = [
        ...named,
        ...(unknown > 0 ? [`${unknown} unknown scope${unknown > 1 ? 's' : ''}`] : []),
      ];
      throw new OAuthException(
        'invalid_scope',
        `scope not granted to this client: ${listed.join(', ')} (allowed: ${client.scopes.join(' ')})`,
      );
    }
    return asked as Scope[];
  }
}
