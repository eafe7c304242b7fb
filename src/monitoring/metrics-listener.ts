import { createServer, type Server, type ServerResponse } from 'node:http';
import { listenProblem, StartError } from '../common/listen-port.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics-text.js';

/**
 * GET /metrics on a port of its own (METRICS_PORT), so the figures can be kept off the public
 * edge: only the orchestrator's network reaches that port. A bare node:http server rather than a
 * second Fastify app: it answers one path from the same prom-client registry as the public route,
 * and needs none of the app's hooks, limits or filters. Anything else is 404.
 */
export async function listenForMetrics(host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') return answer(response, 404, 'not found: only /metrics is served here\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return answer(response, 405, 'only GET and HEAD\n');
    }
    metricsText().then(
      (text) => {
        response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => answer(response, 500, 'the metrics could not be rendered\n'),
    );
  });
  // A scrape is one small request: a connection that takes longer to send it is dropped.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      const problem = listenProblem(error, host, port, 'METRICS_PORT');
      reject(problem ? new StartError(problem) : error);
    });
    server.listen({ host, port }, () => resolve());
  });
  return server;
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
