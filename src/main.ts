import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/environment.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const app = await createApp(config, { shutdownHooks: true });
  await app.listen({ port: config.http.port, host: config.http.host });
  new Logger('Main').log(
    `movie-reco listening on http://${config.http.host}:${config.http.port} (API docs at /docs)`,
  );
}

main().catch(async (error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `movie-reco failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  await EmbeddedPostgres.stopAll().catch(() => undefined);
  process.exit(1);
});
