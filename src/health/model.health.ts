import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { PipelineRunsRepository } from '../pipeline/pipeline-runs.repository.js';
import { Readiness } from './readiness.js';

/**
 * On the roles that answer recommendations: up once a model is loaded in this process; down until
 * then, saying why (a run under way and its stage, a failed start-up run, nothing trained), so a load
 * balancer sends no traffic to a replica that could only answer 503.
 */
@Injectable()
export class ModelHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: Readiness,
    private readonly runs: PipelineRunsRepository,
  ) {}

  async check(key: string) {
    const served = this.readiness.model;
    if (served) {
      return this.indicators.check(key).up({ version: served.version, since: served.since.toISOString() });
    }
    // A run of another process (the worker of an api replica) is only known to the database.
    const run = this.readiness.localRun() ?? (await this.runs.running().catch(() => undefined));
    return this.indicators.check(key).down({
      message: this.readiness.whyNoModel(run),
      ...(run ? { run: run.runId, stage: run.stage ?? null } : {}),
    });
  }
}
