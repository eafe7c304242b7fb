import { Injectable } from '@nestjs/common';
import { NotReadyException } from '../common/not-ready.exception.js';
import { AppConfig } from '../config/app-config.js';
import { FirstStartLoader } from '../pipeline/first-start-loader.js';
import { type ActiveRun, PipelineRunner } from '../pipeline/pipeline-runner.js';

/** How long a client is asked to wait before asking again a service that has no model yet. */
const NOT_READY_RETRY_SECONDS = 10;

const time = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

/** What the run under way is doing, in words. */
function describeRun(run: ActiveRun): string {
  const stage = run.stage === undefined ? 'starting' : `at stage ${run.stage}`;
  return `pipeline run ${run.runId} (${run.trigger}) is ${stage}, started ${time(run.startedAt)}`;
}

/**
 * Whether this process can answer recommendations, and if not, why. The serving side tells it which
 * model it loaded; readiness (/status) and the 503s of the recommendation routes read it.
 */
@Injectable()
export class Readiness {
  private served?: { version: number; since: Date };

  constructor(
    private readonly config: AppConfig,
    private readonly loader: FirstStartLoader,
    private readonly runner: PipelineRunner,
  ) {}

  /** The roles that answer recommendations are not ready without a model; a worker's readiness is its database and data. */
  get servesRecommendations(): boolean {
    return this.config.role !== 'worker';
  }

  modelServed(version: number): void {
    this.served = { version, since: new Date() };
  }

  get model(): { version: number; since: Date } | undefined {
    return this.served;
  }

  /** The run under way in this process, if any. */
  localRun(): ActiveRun | undefined {
    return this.runner.current();
  }

  /** Why no model answers here yet, and what happens next; `run`: the one under way, wherever it runs. */
  whyNoModel(run: ActiveRun | undefined = this.localRun()): string {
    if (run) return `no model is loaded yet: ${describeRun(run)}; it serves once the run has finished`;
    const { loader } = this;
    if (loader.state === 'waiting' && loader.nextAttemptAt)
      return `no model yet: the start-up run failed (${loader.lastError}); it is tried again at ${time(loader.nextAttemptAt)}`;
    if (loader.state === 'failed')
      return `no model yet: the start-up run failed ${loader.attempts} times (${loader.lastError}); the next scheduled run tries again`;
    if (this.config.role === 'api')
      return 'no model is in production yet: the pipeline worker trains one; this replica loads it once promoted';
    return 'no model is in production yet: run the pipeline (`npm run cli -- pipeline run`, or POST /admin/pipeline/runs)';
  }

  /** The 503 of a recommendation asked for before any model was loaded. */
  notReady(): NotReadyException {
    return new NotReadyException(this.whyNoModel(), NOT_READY_RETRY_SECONDS);
  }
}
