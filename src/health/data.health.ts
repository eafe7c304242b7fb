import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { isDatabaseUnavailable } from '../common/database-errors.js';
import { DataStatusService } from '../ingestion/data-status.service.js';
import { MovieLensFolderCheck } from '../ingestion/movielens-folder-check.js';
import { FirstStartLoader } from '../pipeline/first-start-loader.js';

/**
 * Reports the data version and whether a load is under way. An empty catalog while the first load
 * runs is "up": a state to show, not a reason to take the instance out of rotation. An empty
 * catalog after the first load failed is "down" with the load's error (so GET /status is 503):
 * the instance has nothing to serve until a retry or a later run brings data.
 */
@Injectable()
export class DataHealthIndicator {
  private lastKnownVersion = 0;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataStatus: DataStatusService,
    private readonly loader: FirstStartLoader,
    private readonly folder: MovieLensFolderCheck,
  ) {}

  async check(key: string) {
    let stale = false;
    try {
      this.lastKnownVersion = await this.dataStatus.dataVersion();
    } catch (error) {
      // Unreachable database: the database check reports it. Reachable but the query fails
      // (schema missing, say): the data cannot be served, so this check is down too.
      if (!isDatabaseUnavailable(error)) {
        return this.indicators
          .check(key)
          .down({ message: `cannot read the data version: ${(error as Error).message}` });
      }
      stale = true;
    }
    const loader = this.loader;
    const loadFailed = loader.lastError !== undefined && loader.state !== 'idle';
    if (this.lastKnownVersion === 0 && loadFailed && !stale) {
      return this.indicators.check(key).down({
        message: `no data: the first load failed (${loader.lastError})`,
        version: 0,
        loading: loader.state === 'loading',
        attempts: loader.attempts,
        ...(loader.nextAttemptAt ? { nextAttemptAt: loader.nextAttemptAt.toISOString() } : {}),
        ...(loader.state === 'failed' ? { nextAttempt: 'the next scheduled run' } : {}),
      });
    }
    // Loaded data keeps serving; what would fail the next scheduled run is shown, not a reason to leave rotation.
    const warning = this.lastKnownVersion > 0 ? this.folder.problem() : undefined;
    return this.indicators.check(key).up({
      version: this.lastKnownVersion,
      loading: loader.state === 'loading',
      ...(stale ? { stale: true } : {}),
      ...(loadFailed ? { lastLoadError: loader.lastError } : {}),
      ...(warning ? { warning } : {}),
    });
  }
}
