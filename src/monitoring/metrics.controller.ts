import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { DatabaseMetricsCollector } from './database-metrics.js';

/** GET /metrics (the path PrometheusModule gives it): the database-wide figures are read first. */
@ApiTags('operations')
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly databaseMetrics: DatabaseMetricsCollector) {
    super();
  }

  @Get()
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  override async index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.databaseMetrics.refresh();
    return super.index(reply);
  }
}
