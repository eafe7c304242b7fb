import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { ValidationRepository } from '../validation/validation.repository.js';
import { BatchesRepository } from './batches.repository.js';

export interface QuarantinePrune {
  /** Rows of batches recorded before this were removed. */
  before: Date;
  retentionDays: number;
  rows: number;
  batches: { batchId: number; rows: number }[];
}

const DAY_MS = 86_400_000;

/**
 * QUARANTINE_RETENTION_DAYS: the quarantined rows of batches older than the retention are deleted
 * (the batch and its report, with the counts, stay). `data prune` runs it on demand; the process
 * that runs the schedule also runs it at start and every day, so a rejected upload's rows do not
 * stay for ever when nobody asks.
 */
@Injectable()
export class QuarantineRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QuarantineRetention.name);
  private timer?: NodeJS.Timeout;
  private pruning?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly batches: BatchesRepository,
    private readonly validation: ValidationRepository,
    private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // A CLI command runs no schedule, and an api replica leaves it to the worker.
    if (!this.http.httpAdapter || this.config.role === 'api') return;
    const scheduled = () => {
      this.pruning = this.prune().catch((error: Error) =>
        this.logger.warn(`quarantined rows not pruned: ${error.message}`),
      );
    };
    scheduled();
    this.timer = setInterval(scheduled, DAY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pruning;
  }

  async prune(now = Date.now()): Promise<QuarantinePrune> {
    const retentionDays = this.config.validation.quarantineRetentionDays;
    const before = new Date(now - retentionDays * DAY_MS);
    const batches = await this.validation.deleteOfBatches(await this.batches.withQuarantineBefore(before));
    const rows = batches.reduce((sum, batch) => sum + batch.rows, 0);
    if (rows > 0)
      this.logger.log(
        { rows, batches: batches.map((batch) => batch.batchId), before: before.toISOString() },
        `removed ${rows} quarantined row(s) older than ${retentionDays} day(s)`,
      );
    return { before, retentionDays, rows, batches };
  }
}
