import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/environment.js';
import { checkListenable, listenOrExplain, StartError } from './common/listen-port.js';
import { logFatal } from './common/logger.js';
import { maskUrlPasswords } from './config/mask-url.js';
import { listenForMetrics } from './monitoring/metrics-listener.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const { host, port } = config.http;
  // Before the embedded PostgreSQL starts and the model loads, which take seconds to minutes.
  const busy = await checkListenable(host, port);
  if (busy) throw new StartError(busy);
  const metricsPort = config.metrics.port;
  const metricsBusy =
    metricsPort === undefined ? undefined : await checkListenable(host, metricsPort, 'METRICS_PORT');
  if (metricsBusy) throw new StartError(metricsBusy);
  const app = await createApp(config, { shutdownHooks: true });
  await listenOrExplain(app, host, port);
  const logger = new Logger('Main');
  logger.log(`movie-reco listening on http://${host}:${port} (API docs at /docs)`);
  // The process exits once the app has closed (shutdown hooks), this listener with it.
  if (metricsPort !== undefined) {
    await listenForMetrics(host, metricsPort);
    logger.log(`metrics on http://${host}:${metricsPort}/metrics`);
  }
  if (!config.metrics.public && metricsPort === undefined) {
    logger.warn('PUBLIC_METRICS=false and no METRICS_PORT: /metrics is served nowhere');
  }
}

main().catch(async (error: unknown) => {
  // One JSON line like every other; the passwords of any URL quoted in it masked.
  if (error instanceof ConfigError) {
    logFatal(maskUrlPasswords(error.message), { problems: error.problems.map(maskUrlPasswords) });
  } else if (error instanceof StartError) {
    logFatal(error.message);
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logFatal(maskUrlPasswords(`movie-reco failed to start: ${text}`));
  }
  await EmbeddedPostgres.stopAll().catch(() => undefined);
  process.exit(1);
});
