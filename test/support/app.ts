import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

import { createApp } from '../../src/app.factory.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { FIXTURE_ENV } from './fixtures.js';

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
      ...FIXTURE_ENV,
      DATABASE_URL: db.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      AUTO_INGEST: 'false',
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

/** Loads the whole configured dataset as one batch, as `cli ingest --all` does. */
export async function loadAll(t: TestApp) {
  const { PipelineRunner } = await import('../../src/pipeline/pipeline-runner.js');
  const result = await t.app
    .get(PipelineRunner)
    .run({ trigger: 'cli', source: { kind: 'full' }, until: 'transform' });
  if (!result) throw new Error('the run did not start');
  return result;
}
