import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config.js';
import { PipelineRunner } from './pipeline-runner.js';
import { PipelineBusyError } from './pipeline.types.js';

const JOB_NAME = 'pipeline';

/**
 * Starts a pipeline run on every tick of PIPELINE_CRON (UTC). Every replica ticks; the run lock
 * and the one-run-per-tick rule make exactly one of them run it.
 */
@Injectable()
export class PipelineScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PipelineScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly runner: PipelineRunner,
    private readonly schedulerRegistry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') {
      this.logger.log('ROLE=api: this process serves only; the schedule runs on the worker');
      return;
    }
    const cron = this.config.pipeline.cron;
    if (!cron) {
      this.logger.log('PIPELINE_CRON=off: no scheduled pipeline runs');
      return;
    }
    const job = CronJob.from({ cronTime: cron, onTick: () => this.tick(), timeZone: 'UTC', start: true });
    this.schedulerRegistry.addCronJob(JOB_NAME, job);
    this.logger.log(`pipeline scheduled: "${cron}" (UTC); next run at ${job.nextDate().toISO()}`);
  }

  /** The tick is named by its second, the same on every replica that fires it. */
  async tick(now = new Date()): Promise<void> {
    const scheduledFor = new Date(Math.floor(now.getTime() / 1000) * 1000);
    try {
      const started = await this.runner.start({ trigger: 'schedule', scheduledFor });
      if (!started) this.logger.debug(`tick ${scheduledFor.toISOString()} already taken by another replica`);
    } catch (error) {
      if (error instanceof PipelineBusyError) this.logger.log(`scheduled run skipped: ${error.message}`);
      else this.logger.error({ err: error }, `scheduled run could not start: ${(error as Error).message}`);
    }
  }
}
