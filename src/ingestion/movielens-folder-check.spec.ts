import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { DataStatusService } from './data-status.service.js';
import { MovieLensFolderCheck } from './movielens-folder-check.js';

function check(config: { role?: string; cron?: string; dir?: string }, dataVersion: Promise<number>) {
  const appConfig = {
    role: config.role ?? 'all',
    pipeline: { cron: 'cron' in config ? config.cron : '0 0 * * *' },
    movielens: { dir: config.dir },
  } as unknown as AppConfig;
  const dataStatus = { dataVersion: () => dataVersion } as unknown as DataStatusService;
  return new MovieLensFolderCheck(appConfig, dataStatus);
}

describe('the MovieLens folder check at start', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('warns once that the scheduled runs will fail when the folder is missing and data is loaded', async () => {
    await check({ dir: '/nonexistent/ml-latest-small' }, Promise.resolve(3)).onApplicationBootstrap();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^MOVIELENS_DIR \/nonexistent\/ml-latest-small does not exist: the scheduled pipeline runs \(PIPELINE_CRON=0 0 \* \* \*\) will fail until it is fixed/,
      ),
    ]);
  });

  it('says nothing when nothing scheduled would read the folder, or the first load will say it', async () => {
    const dir = '/nonexistent/ml-latest-small';
    await check({ dir, role: 'api' }, Promise.resolve(3)).onApplicationBootstrap();
    await check({ dir, cron: undefined }, Promise.resolve(3)).onApplicationBootstrap();
    await check({ dir }, Promise.resolve(0)).onApplicationBootstrap();
    await check({ dir }, Promise.reject(new Error('connection refused'))).onApplicationBootstrap();
    await check({ dir: undefined }, Promise.resolve(3)).onApplicationBootstrap();
    expect(warnings).toEqual([]);
  });
});
