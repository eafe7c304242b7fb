import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { DriftStage } from '../drift/drift.stage.js';
import { DataStatusService } from '../ingestion/data-status.service.js';
import { EvaluateStage } from '../evaluation/evaluate.stage.js';
import { ReplayStage } from '../evaluation/replay.stage.js';
import { IngestStage } from '../ingestion/ingest.stage.js';
import { TransformStage } from '../ingestion/transform.stage.js';
import { DeployStage } from '../registry/deploy.stage.js';
import { PromoteStage } from '../registry/promote.stage.js';
import { RegisterStage } from '../registry/register.stage.js';
import { RegistryService } from '../registry/registry.service.js';
import { ModelSettings } from '../training/model-settings.js';
import { TrainStage } from '../training/train.stage.js';
import { BatchRejectedError } from '../validation/validate.stage.js';
import { ValidateStage } from '../validation/validate.stage.js';
import { need, type RunState } from './run-state.js';

export interface Stage {
  readonly name: string;
  run(state: RunState): Promise<StageReport>;
  /** Why this run skips the stage, if it does (recorded as skipped, the run goes on). */
  skip?(state: RunState): string | undefined;
}

/** The data stages have no batch to work on when a run only retrains (see `retrainIfBehind`). */
const noBatch = (state: RunState) =>
  state.batch === undefined && state.retrainDataVersion !== undefined
    ? `no new batch: retraining on data version ${state.retrainDataVersion}, ${
        state.options.retrain ? 'as asked (retrain)' : 'which no model was trained on'
      }`
    : undefined;

/**
 * A pipeline run, in order: each stage's work is in the module that owns it; this file says what
 * each one takes from the run and leaves for the next.
 */
@Injectable()
export class PipelineStages {
  readonly all: readonly Stage[];

  constructor(
    ingest: IngestStage,
    validate: ValidateStage,
    drift: DriftStage,
    transform: TransformStage,
    replay: ReplayStage,
    train: TrainStage,
    evaluate: EvaluateStage,
    register: RegisterStage,
    promote: PromoteStage,
    deploy: DeployStage,
    registry: RegistryService,
    model: ModelSettings,
    dataStatus: DataStatusService,
  ) {
    const stageNames = () => this.all.map((stage) => stage.name);
    /**
     * A stage that found no new data ends the run, unless the run goes on to train and the newest
     * data version has no model decided on it (a run killed after transform committed, or data
     * loaded with `ingest`): then the run goes on and trains it. A candidate the gate turned down
     * counts as decided, so a rejected version is not retrained run after run. Asked to retrain
     * (`pipeline run --retrain`, `POST /admin/pipeline/runs?retrain=true`), the run trains anyway.
     */
    const retrainIfBehind = async (state: RunState, stage: StageReport): Promise<StageReport> => {
      if (stage.finish === undefined) return stage;
      const names = stageNames();
      const until = state.options.until;
      if (until !== undefined && names.indexOf(until) < names.indexOf('train')) return stage;
      const [dataVersion, trained] = await Promise.all([
        dataStatus.dataVersion(),
        registry.newestDecidedDataVersion(),
      ]);
      const asked = state.options.retrain === true;
      if (dataVersion === 0 || (trained >= dataVersion && !asked)) return stage;
      state.retrainDataVersion = dataVersion;
      return {
        ...stage,
        finish: undefined,
        detail: {
          ...stage.detail,
          noNewData: stage.finish,
          retrain: dataVersion,
          trainedUpTo: trained,
          ...(asked ? { asked } : {}),
        },
      };
    };
    this.all = [
      {
        name: 'ingest',
        async run(state) {
          const source = state.options.source ?? { kind: 'replay' };
          const { batch, stage } = await ingest.run(state.runId, source, state.progress);
          state.batch = batch;
          state.batchId = batch?.id;
          return retrainIfBehind(state, stage);
        },
      },
      {
        name: 'validate',
        skip: noBatch,
        async run(state) {
          try {
            const { report, stage } = await validate.run(need(state, 'batch'));
            state.validation = report;
            return stage;
          } catch (error) {
            if (error instanceof BatchRejectedError) state.batchId = error.batchId;
            throw error;
          }
        },
      },
      {
        name: 'drift',
        skip: noBatch,
        async run(state) {
          const { report, stage } = await drift.run(need(state, 'batch').transaction.client);
          state.drift = report;
          return stage;
        },
      },
      {
        name: 'transform',
        skip: noBatch,
        async run(state) {
          const { dataVersion, stage } = await transform.run(need(state, 'batch'), need(state, 'validation'));
          state.dataVersion = dataVersion;
          // A batch that changed nothing was rolled back: no batch of this run was stored.
          if (dataVersion === undefined) {
            state.batchId = undefined;
            state.batch = undefined;
          }
          return retrainIfBehind(state, stage);
        },
      },
      {
        // After transform: the batch is committed (a long replay holds no transaction open) and has
        // its data version; before train: production has not seen it.
        name: 'replay',
        skip: (state) =>
          noBatch(state) ??
          (state.dataVersion === undefined
            ? 'no batch applied in this run: nothing new to score'
            : undefined),
        run: (state) =>
          replay.run({
            runId: state.runId,
            batchId: need(state, 'batchId'),
            dataVersion: need(state, 'dataVersion'),
            production: async () => {
              const production = await registry.production();
              if (!production) return undefined;
              const { bytes, dataVersion } = await registry.artifact(production.id);
              return { id: production.id, bytes, dataVersion };
            },
            signal: state.signal,
          }),
      },
      {
        name: 'train',
        async run(state) {
          const { data, fitted, stage } = await train.run(state.progress, state.signal);
          state.training = data;
          state.fitted = fitted;
          return stage;
        },
      },
      {
        name: 'evaluate',
        async run(state) {
          const production = await registry.production();
          const { outcome, stage } = await evaluate.run(
            need(state, 'training'),
            { algorithm: model.algorithm, params: model.params },
            production && {
              algorithm: production.algorithm,
              params: production.params as Record<string, number>,
            },
            state.signal,
          );
          state.evaluation = outcome;
          return stage;
        },
      },
      {
        name: 'register',
        async run(state) {
          const { candidateId, stage } = await register.run(
            state.runId,
            need(state, 'training'),
            need(state, 'fitted'),
            need(state, 'evaluation'),
          );
          state.candidateId = candidateId;
          return stage;
        },
      },
      {
        name: 'promote',
        async run(state) {
          const { replacedId, stage } = await promote.run(
            need(state, 'candidateId'),
            need(state, 'evaluation'),
          );
          state.replacedId = replacedId;
          return stage;
        },
      },
      {
        name: 'deploy',
        run: (state) => deploy.run(need(state, 'candidateId'), state.replacedId),
      },
    ];
  }

  /** The stages up to and including `until` (all of them when it is undefined). */
  upTo(until?: string): readonly Stage[] {
    if (until === undefined) return this.all;
    const last = this.all.findIndex((stage) => stage.name === until);
    if (last < 0) throw new Error(`no pipeline stage is named "${until}"`);
    return this.all.slice(0, last + 1);
  }

  /**
   * Whatever the run's outcome: a batch still open (a failed run) is rolled back, and the trained
   * artifact's temporary file (registered by now, or not wanted) is removed.
   */
  async finish(state: RunState): Promise<void> {
    try {
      await state.batch?.transaction.rollback();
    } finally {
      await state.fitted?.artifact.discard();
    }
  }
}
