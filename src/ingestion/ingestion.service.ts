import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { loadMovieLensBatch } from './movielens-loader.js';
import { checksumFiles, describeFolder, downloadMovieLens, type MovieLensFiles } from './movielens-source.js';
import { loggingProgress, type ProgressReporter } from './progress.js';

export type IngestResult =
  | {
      status: 'loaded';
      batchId: number;
      source: string;
      moviesRows: number;
      ratingsRows: number;
      quarantinedRows: number;
      seconds: number;
    }
  | { status: 'unchanged'; batchId: number; source: string };

/** Serialises every data load across processes sharing the database. */
const INGEST_LOCK_KEY = 'movie-reco:ingest';

@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The configured MovieLens folder, or the official download when none is configured. */
  async resolveSource(): Promise<MovieLensFiles> {
    const { dir, url, cacheDir, sha256 } = this.config.movielens;
    if (dir) return describeFolder(dir);
    this.logger.log(`MOVIELENS_DIR is not set; using ${url} (cached in ${cacheDir})`);
    return downloadMovieLens(url, cacheDir, sha256);
  }

  /** Loads the whole dataset as one batch, unless the same files were loaded before. */
  async ingestAll(progress?: ProgressReporter): Promise<IngestResult> {
    const files = await this.resolveSource();
    const source = `movielens:${files.name}`;
    const checksum = await checksumFiles([files.moviesCsv, files.ratingsCsv]);
    const startedAt = Date.now();

    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [INGEST_LOCK_KEY]);
      const existing = await client.query<{ id: number }>(
        'SELECT id FROM data_batches WHERE source = $1 AND checksum = $2',
        [source, checksum],
      );
      if (existing.rows[0]) {
        await client.query('ROLLBACK');
        this.logger.log({ source, batchId: existing.rows[0].id }, 'source already loaded; nothing to do');
        return { status: 'unchanged', batchId: existing.rows[0].id, source };
      }
      const inserted = await client.query<{ id: number }>(
        'INSERT INTO data_batches (source, checksum) VALUES ($1, $2) RETURNING id',
        [source, checksum],
      );
      const batchId = inserted.rows[0]!.id;
      this.logger.log({ batchId, source, dir: files.dir }, 'loading batch');
      const counts = await loadMovieLensBatch(
        client,
        batchId,
        files,
        progress ?? loggingProgress((fields, message) => this.logger.log({ batchId, ...fields }, message)),
      );
      const seconds = (Date.now() - startedAt) / 1000;
      await client.query(
        `UPDATE data_batches SET movies_rows = $2, ratings_rows = $3, quarantined_rows = $4, seconds = $5 WHERE id = $1`,
        [batchId, counts.moviesRows, counts.ratingsRows, counts.quarantinedRows, seconds],
      );
      await client.query('COMMIT');
      // Fresh statistics, so the planner sees the new row counts (e.g. uses the title index).
      await client.query('ANALYZE movies, ratings');
      this.logger.log({ batchId, ...counts, seconds }, 'batch loaded');
      return { status: 'loaded', batchId, source, ...counts, seconds };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
