import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { MetricsService } from './metrics.service.js';

/** Routes not matched by any handler share one label so scanners cannot blow up cardinality. */
const UNMATCHED_ROUTE = 'unmatched';

/** Times every HTTP request in Fastify's onResponse hook, labelled by the route template. */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  private readonly histogram: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    metrics: MetricsService,
  ) {
    this.histogram = metrics.http.duration;
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? UNMATCHED_ROUTE;
      this.histogram.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
