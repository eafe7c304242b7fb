import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

import { createApp } from '../../src/app.factory.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { FIXTURE_DIR } from './fixtures.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  db: TestDatabase;
  config: AppConfig;
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** Boots the real HTTP app on a fresh database (or a given one), with fixture data configured. */
export async function bootApp(env: Record<string, string> = {}, existing?: TestDatabase): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase());
  const config = AppConfig.fromEnvironment(
    {},
    {
      DATABASE_URL: db.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      AUTO_INGEST: 'false',
      MOVIELENS_DIR: FIXTURE_DIR,
      ...env,
    },
  );
  const app = await createApp(config);
  return {
    app,
    http: request(app.getHttpServer()),
    db,
    config,
    close: async ({ keepDatabase = false } = {}) => {
      await app.close();
      if (!keepDatabase) await db.drop();
    },
  };
}
