import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { describeFolder, downloadMovieLens, type MovieLensFiles } from './movielens-source.js';

@Injectable()
export class MovieLensSourceResolver {
  private readonly logger = new Logger(MovieLensSourceResolver.name);

  constructor(private readonly config: AppConfig) {}

  /** The configured MovieLens folder, or the official download when none is configured. */
  async resolve(): Promise<MovieLensFiles> {
    const { dir, url, cacheDir, sha256 } = this.config.movielens;
    if (dir) return describeFolder(dir);
    this.logger.log(`MOVIELENS_DIR is not set; using ${url} (cached in ${cacheDir})`);
    return downloadMovieLens(url, cacheDir, sha256);
  }
}
