import { defineConfig } from 'vitest/config';

/**
 * Unit tests sit beside the code; e2e tests boot the real app against a real PostgreSQL.
 * Only the project's own TypeScript is transformed. Node loads node_modules itself, so CommonJS
 * packages that require() the ESM-only NestJS 12 (@willsoto/nestjs-prometheus, @fastify/static
 * through content-disposition) load as they do in the app (require(esm), Node 20.19+).
 */
export default defineConfig({
  test: {
    globals: true,
    environment: 'node',
    // Jest's testTimeout also bounded hooks; Vitest bounds them separately (10 s by default).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          globalSetup: ['test/support/global-setup.mjs', 'test/support/global-teardown.mjs'],
          // The suites share one database server and run the app and CLI as child processes: one
          // test file at a time, after the unit tests, each file in a fresh child process.
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
