import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { StageReport } from '../common/stage-report.js';
import { type DriftReport, DriftService } from './drift.service.js';

/** drift: how the batch's ratings differ from the data already applied (kept with the run). */
@Injectable()
export class DriftStage {
  constructor(private readonly drift: DriftService) {}

  async run(batchClient: PoolClient): Promise<{ report: DriftReport; stage: StageReport }> {
    const report = await this.drift.measure(batchClient);
    return {
      report,
      stage: {
        detail: {
          ...report.measures,
          newUsers: report.newUsers,
          drifted: report.drifted,
          skipped: report.skipped,
        },
      },
    };
  }
}
