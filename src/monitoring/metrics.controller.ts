import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { register } from 'prom-client';

/**
 * Scrapes within this long of a rendering get the same text. Rendering runs on the event loop
 * (about 2–10 ms with the default process metrics), so without it 40 scrapers in a loop keep the
 * loop busy and every other request waits; Prometheus scrapes every 15 s and cannot tell.
 */
export const RENDER_REUSE_MS = 1000;

/**
 * GET /metrics (the path PrometheusModule gives it). It reads nothing from the database: the
 * database-wide figures are refreshed in the background (DatabaseMetricsCollector).
 */
@ApiTags('health & monitoring')
@Controller()
export class MetricsController extends PrometheusController {
  private rendered?: { at: number; text: Promise<string> };

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'HTTP durations by route, recommendations served, pipeline runs, model and data figures, ' +
      'process metrics. Scrapes within a second of each other get the same text.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  override index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', register.contentType);
    const now = Date.now();
    if (!this.rendered || now - this.rendered.at >= RENDER_REUSE_MS) {
      this.rendered = { at: now, text: register.metrics() };
    }
    return this.rendered.text;
  }
}
