import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DataStatusService } from './data-status.service.js';
import { movieLensFolderProblem } from './movielens-source.js';

/**
 * Says at start when the MovieLens folder the scheduled runs read is unusable while the database
 * already holds data: nothing else would, until the next run fails at midnight. On an empty
 * database the first-start load fails on it at once and says so itself; an api replica and the
 * CLI (no schedule) run nothing on their own.
 */
@Injectable()
export class MovieLensFolderCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('MovieLensFolder');

  constructor(
    private readonly config: AppConfig,
    private readonly dataStatus: DataStatusService,
  ) {}

  /**
   * What will fail the scheduled runs of this process, if anything: /status shows it beside the
   * data (read each time, so a folder fixed while the service runs clears it).
   */
  problem(): string | undefined {
    if (this.config.role === 'api' || this.config.pipeline.cron === undefined) return undefined;
    const problem = movieLensFolderProblem(this.config.movielens.dir);
    return problem && `${problem}: the scheduled pipeline runs will fail until it is fixed`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api' || this.config.pipeline.cron === undefined) return;
    const problem = movieLensFolderProblem(this.config.movielens.dir);
    if (!problem) return;
    // A database that cannot answer is for the other start-up checks to report.
    const loaded = await this.dataStatus.dataVersion().then(
      (version) => version > 0,
      () => false,
    );
    if (!loaded) return;
    this.logger.warn(
      `${problem}: the scheduled pipeline runs (PIPELINE_CRON=${this.config.pipeline.cron}) will fail until it is ` +
        `fixed; point MOVIELENS_DIR at a folder with movies.csv and ratings.csv, or unset it to download the data`,
    );
  }
}
