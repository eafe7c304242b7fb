import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/environment.js';
import { logFatal } from './common/logger.js';
import { maskUrlPasswords } from './config/mask-url.js';
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
  // One JSON line like every other; the passwords of any URL quoted in it masked.
  if (error instanceof ConfigError) {
    logFatal(maskUrlPasswords(error.message), { problems: error.problems.map(maskUrlPasswords) });
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logFatal(maskUrlPasswords(`movie-reco failed to start: ${text}`));
  }
  await EmbeddedPostgres.stopAll().catch(() => undefined);
  process.exit(1);
});
