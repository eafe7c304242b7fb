import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DataHealthIndicator } from './data.health.js';

@ApiTags('operations')
@Controller('status')
export class HealthController {
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
  @ApiOkResponse({ description: 'Healthy: database up; data version and load state under info.data' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'A check failed; it is named' })
  async check(): Promise<HealthCheckResult> {
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
