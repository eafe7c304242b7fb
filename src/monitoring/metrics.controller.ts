import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';

/**
 * GET /metrics (the path PrometheusModule gives it). It reads nothing: the database-wide figures
 * are refreshed in the background (DatabaseMetricsCollector), so a scrape costs only serialising.
 */
@ApiTags('operations')
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  override index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return super.index(reply);
  }
}
