import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { isDatabaseUnavailable } from '../common/database-errors.js';
import { DataStatusService } from '../ingestion/data-status.service.js';
import { FirstStartLoader } from '../pipeline/first-start-loader.js';

/**
 * Reports the data version and whether a load is under way. An empty or loading catalog is "up":
 * a state to show, not a reason to take the instance out of rotation.
 */
@Injectable()
export class DataHealthIndicator {
  private lastKnownVersion = 0;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataStatus: DataStatusService,
    private readonly loader: FirstStartLoader,
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
    return this.indicators.check(key).up({
      version: this.lastKnownVersion,
      loading: this.loader.state === 'loading',
      ...(stale ? { stale: true } : {}),
      ...(this.loader.state === 'failed' ? { lastLoadError: this.loader.lastError } : {}),
    });
  }
}
