import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { NotReadyException } from '../common/not-ready.exception.js';
import { DatabaseServer } from '../database/database-url.provider.js';
import { DataHealthIndicator } from './data.health.js';
import { ModelHealthIndicator } from './model.health.js';
import { Readiness } from './readiness.js';

/** The Retry-After of a readiness answer that only lacks a model (a first start under way). */
const MODEL_RETRY_SECONDS = 10;

/** How long one readiness check answers for: a second at most, so /status is never older than that. */
const CHECK_REUSE_MS = 1000;

@ApiTags('health & monitoring')
@Controller('status')
export class HealthController {
  private recent?: { at: number; result: Promise<HealthCheckResult> };

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly data: DataHealthIndicator,
    private readonly model: ModelHealthIndicator,
    private readonly readiness: Readiness,
    private readonly databaseServer: DatabaseServer,
  ) {}

  /**
   * Liveness: 200 whenever the process answers HTTP, whatever an external database does. Restarting
   * the process cannot fix an unreachable DATABASE_URL; readiness (GET /status) takes it out of
   * rotation. It can fix an embedded server that exited and could not be restarted: 503 then.
   */
  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description:
      "For the orchestrator's liveness probe: never queries the database. 503 only when the " +
      'embedded PostgreSQL this process started exited and PG_RESTART_ATTEMPTS restarts failed.',
  })
  @ApiOkResponse({
    description: 'The process is up; nothing else is checked',
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  live(): { status: 'ok' } {
    // The one state a restart of the process fixes: the embedded server it started is gone for good.
    const lost = this.databaseServer.lost;
    if (lost) throw new ServiceUnavailableException(`not alive: ${lost}`);
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 with every check when the database answers within a second and, on the roles that
   * serve, a model is loaded. Otherwise 503 in the common error shape, the failing checks and why
   * named in the message and the full result under `health`.
   */
  @Get()
  @ApiOperation({
    summary: 'Readiness: database, data and (where it serves) a model',
    description:
      'For the load balancer and the readiness probe: 200 while the database answers within a ' +
      'second and, on the roles that serve (all, api), a model is loaded, with the data version, ' +
      'whether a load runs and the model version; 503 naming the failing check and why (a run under ' +
      'way and its stage, a failed first load, nothing trained yet).',
  })
  @ApiOkResponse({
    description: 'Healthy: database up; data version and load state under info.data',
    example: {
      status: 'ok',
      info: {
        database: { status: 'up', responseTime: 2 },
        data: { status: 'up', version: 1, loading: false },
        model: { status: 'up', version: 1, since: '2026-12-07T00:31:58.000Z' },
      },
      error: {},
      details: {
        database: { status: 'up', responseTime: 2 },
        data: { status: 'up', version: 1, loading: false },
        model: { status: 'up', version: 1, since: '2026-12-07T00:31:58.000Z' },
      },
    },
  })
  @ApiErrorResponse(503, {
    description: 'A check failed; it is named with why, and the full result is under health',
    message:
      'not ready: model down (no model is loaded yet: pipeline run 1 (startup) is at stage train, ' +
      'started 2026-12-07T00:31:02Z; it serves once the run has finished)',
    extra: {
      health: {
        status: 'error',
        info: { database: { status: 'up' }, data: { status: 'up', version: 1, loading: true } },
        error: { model: { status: 'down', message: 'no model is loaded yet: …', run: 1, stage: 'train' } },
        details: {
          database: { status: 'up' },
          data: { status: 'up', version: 1, loading: true },
          model: { status: 'down', message: 'no model is loaded yet: …', run: 1, stage: 'train' },
        },
      },
    },
  })
  check(): Promise<HealthCheckResult> {
    // Probes and load balancers call this many times a second: one check serves every call within
    // CHECK_REUSE_MS of its start, so a dead database still shows within the reuse plus the
    // ping's one-second timeout.
    const now = Date.now();
    if (!this.recent || now - this.recent.at >= CHECK_REUSE_MS)
      this.recent = { at: now, result: this.runChecks() };
    return this.recent.result;
  }

  private async runChecks(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1000 }),
        () => this.data.check('data'),
        ...(this.readiness.servesRecommendations ? [() => this.model.check('model')] : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failing = Object.entries(result.error ?? {}).map(([name, check]) => {
        const why = (check as { message?: unknown }).message;
        return typeof why === 'string' ? `${name} down (${why})` : `${name} down`;
      });
      const message = `not ready: ${failing.join(', ')}`;
      // Only the model missing is a state every first start goes through, not a fault to warn of.
      if (Object.keys(result.error ?? {}).join() === 'model')
        throw new NotReadyException({ message, health: result }, MODEL_RETRY_SECONDS);
      throw new ServiceUnavailableException({ message, health: result });
    }
  }
}
