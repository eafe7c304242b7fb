import { Controller, Get, Header, NotFoundException, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics-text.js';

export { RENDER_REUSE_MS } from './metrics-text.js';

/**
 * GET /metrics (the path PrometheusModule gives it). It reads nothing from the database: the
 * database-wide figures are refreshed in the background (DatabaseMetricsCollector). With
 * PUBLIC_METRICS=false it answers as an unknown route would: the figures are then served only on
 * METRICS_PORT (src/monitoring/metrics-listener.ts).
 */
@ApiTags('health & monitoring')
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly config: AppConfig) {
    super();
  }

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'HTTP durations by route, recommendations served, pipeline runs, model and data figures, ' +
      'process metrics. Scrapes within a second of each other get the same text. 404 with ' +
      'PUBLIC_METRICS=false (then on METRICS_PORT only).',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  override index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.config.metrics.public) throw new NotFoundException('Cannot GET /metrics');
    void reply.header('content-type', METRICS_CONTENT_TYPE);
    return metricsText();
  }
}
