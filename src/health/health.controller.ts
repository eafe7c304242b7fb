import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiErrorResponse } from '../common/api-error-response.js';
import { DataHealthIndicator } from './data.health.js';

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
  ) {}

  /**
   * Liveness: 200 whenever the process answers HTTP, whatever the database does. Restarting the
   * process cannot fix an unreachable database; readiness (GET /status) takes it out of rotation.
   */
  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: "For the orchestrator's liveness probe: never touches the database.",
  })
  @ApiOkResponse({
    description: 'The process is up; nothing else is checked',
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 with every check when the database answers within a second. Otherwise 503 in the common
   * error shape, the failing checks named in the message and the full result under `health`.
   */
  @Get()
  @ApiOperation({
    summary: 'Readiness: database and data',
    description:
      'For the load balancer and the readiness probe: 200 while the database answers within a ' +
      'second, with the data version and whether a load runs; 503 naming the failing check.',
  })
  @ApiOkResponse({
    description: 'Healthy: database up; data version and load state under info.data',
    example: {
      status: 'ok',
      info: {
        database: { status: 'up', responseTime: 2 },
        data: { status: 'up', version: 1, loading: false },
      },
      error: {},
      details: {
        database: { status: 'up', responseTime: 2 },
        data: { status: 'up', version: 1, loading: false },
      },
    },
  })
  @ApiErrorResponse(503, {
    description: 'A check failed; it is named, and the full result is under health',
    message: 'unhealthy: database down',
    extra: {
      health: {
        status: 'error',
        info: { data: { status: 'up', version: 1, loading: false } },
        error: { database: { status: 'down' } },
        details: { database: { status: 'down' }, data: { status: 'up', version: 1, loading: false } },
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
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failing = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({
        message: `unhealthy: ${failing.join(', ')} down`,
        health: result,
      });
    }
  }
}
