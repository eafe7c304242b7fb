import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataHealthIndicator } from './data.health.js';

@ApiTags('operations')
@Controller('status')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly data: DataHealthIndicator,
  ) {}

  /** 200 when the database answers within a second; 503 naming the failing check otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1000 }),
      () => this.data.check('data'),
    ]);
  }
}
