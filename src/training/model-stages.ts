import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { PipelineRegistry } from '../pipeline/pipeline-registry.js';
import {
  type PipelineStage,
  type RunContext,
  type StageResult,
  stageOutput,
} from '../pipeline/pipeline.types.js';
import { promotionDecision } from '../registry/promotion-gate.js';
import { RegistryService } from '../registry/registry.service.js';
import type { MovieInput, RatingInput } from './interactions.js';
import { BUNDLE_ALGORITHM, checkBundle, deserializeBundle } from './model-bundle.js';
import { runInWorker } from './run-in-worker.js';
import type { EvaluateResult, FitResult } from './training-job.js';
import type { Params } from '../evaluation/evaluate.js';
import { EASE_SEQ_DEFAULTS } from './algorithms/ease-seq.js';

interface TrainingData {
  ratings: RatingInput[];
  movies: MovieInput[];
  dataVersion: number;
}

const TRAINING_DATA = 'training-data';
const FITTED = 'fitted';
const EVALUATION = 'evaluation';
const CANDIDATE = 'candidate';
const REPLACED = 'replaced-production';

/** train: fits the model bundle on every applied rating, in a worker thread. */
@Injectable()
export class TrainStage implements PipelineStage {
  readonly name = 'train';
  readonly order = 50;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const ratings = await this.db.query<RatingInput[]>(
      `SELECT user_id AS "userId", movie_id AS "movieId", rating, extract(epoch FROM rated_at)::float8 AS timestamp
       FROM ratings WHERE batch_id IS NOT NULL`,
    );
    const movies = await this.db.query<MovieInput[]>('SELECT id, genres FROM movies');
    const [{ version }] = await this.db.query<{ version: number }[]>(
      `SELECT coalesce(max(version), 0) AS version FROM data_batches WHERE status = 'applied'`,
    );
    context.outputs.set(TRAINING_DATA, { ratings, movies, dataVersion: version } satisfies TrainingData);
    const fitted = await runInWorker({ kind: 'fit', ratings, movies, params: this.config.models.params });
    context.outputs.set(FITTED, fitted);
    return {
      rows: ratings.length,
      detail: {
        users: fitted.users,
        items: fitted.items,
        seconds: fitted.trainingSeconds,
        bytes: fitted.artifact.byteLength,
      },
    };
  }
}

/**
 * evaluate: the offline protocol on the same data, for the candidate's parameters and, refitted
 * on the same split, the production version's — so the gate compares like with like.
 */
@Injectable()
export class EvaluateStage implements PipelineStage {
  readonly name = 'evaluate';
  readonly order = 60;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: RegistryService,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const { ratings, movies } = stageOutput<TrainingData>(context, TRAINING_DATA);
    const production = await this.registry.production();
    const result = await runInWorker({
      kind: 'evaluate',
      ratings,
      movies,
      candidate: this.config.models.params,
      ...(production
        ? { production: { algorithm: production.algorithm, params: production.params as Params } }
        : {}),
    });
    context.outputs.set(EVALUATION, result);
    return {
      rows: result.candidate.users,
      detail: {
        'ndcg@10': result.candidate['ndcg@10'],
        ...(result.production ? { 'production ndcg@10': result.production['ndcg@10'] } : {}),
      },
    };
  }
}

/** register: records the candidate with its lineage, metrics and artifact. */
@Injectable()
export class RegisterStage implements PipelineStage {
  readonly name = 'register';
  readonly order = 70;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: RegistryService,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const fitted = stageOutput<FitResult>(context, FITTED);
    const evaluation = stageOutput<EvaluateResult>(context, EVALUATION);
    const { dataVersion } = stageOutput<TrainingData>(context, TRAINING_DATA);
    const id = await this.registry.register(
      {
        algorithm: BUNDLE_ALGORITHM,
        // Every parameter, defaults included, so the record says exactly what was trained.
        params: { ...EASE_SEQ_DEFAULTS, ...this.config.models.params },
        metrics: evaluation.candidate,
        dataVersion,
        pipelineRunId: context.runId,
        trainingSeconds: fitted.trainingSeconds,
        artifact: fitted.artifact,
      },
      `trained by pipeline run ${context.runId} on data version ${dataVersion}`,
    );
    context.outputs.set(CANDIDATE, id);
    return { detail: { modelVersion: id } };
  }
}

/**
 * promote: the gate; a candidate worse than production beyond the tolerance is rejected. A
 * promoted candidate is recorded as production but announced to the serving processes only by
 * the deploy stage.
 */
@Injectable()
export class PromoteStage implements PipelineStage {
  readonly name = 'promote';
  readonly order = 80;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: RegistryService,
  ) {}

  async run(context: RunContext): Promise<StageResult> {
    const id = stageOutput<number>(context, CANDIDATE);
    const evaluation = stageOutput<EvaluateResult>(context, EVALUATION);
    const decision = promotionDecision(
      evaluation.candidate['ndcg@10']!,
      evaluation.production?.['ndcg@10'],
      this.config.models.promotionTolerance,
    );
    if (decision.promote) {
      const replaced = await this.registry.production();
      context.outputs.set(REPLACED, replaced?.id);
      await this.registry.promote(id, decision.reason, { announce: false });
    } else {
      await this.registry.reject(id, decision.reason);
    }
    return {
      detail: { modelVersion: id, promoted: decision.promote, reason: decision.reason },
      ...(decision.promote ? {} : { finish: `candidate ${id} rejected: ${decision.reason}` }),
    };
  }
}

/**
 * deploy: reads the promoted artifact back as the serving processes will (sha256 checked), checks
 * that every part of it answers, then announces it; each serving process loads it and swaps it in.
 * A version that fails the check is rolled back to the one it replaced, and the run fails.
 */
@Injectable()
export class DeployStage implements PipelineStage {
  readonly name = 'deploy';
  readonly order = 90;

  constructor(private readonly registry: RegistryService) {}

  async run(context: RunContext): Promise<StageResult> {
    const id = stageOutput<number>(context, CANDIDATE);
    const replaced = context.outputs.get(REPLACED) as number | undefined;
    let problems: string[];
    let bytes = 0;
    try {
      const artifact = await this.registry.artifact(id);
      bytes = artifact.bytes.byteLength;
      problems = checkBundle(deserializeBundle(artifact.bytes));
    } catch (error) {
      problems = [(error as Error).message];
    }
    if (problems.length > 0) {
      const why = `deploy of version ${id} failed: ${problems.join('; ')}`;
      if (replaced !== undefined) await this.registry.promote(replaced, `rolled back: ${why}`);
      throw new Error(why);
    }
    await this.registry.announce(id);
    return { detail: { modelVersion: id, artifactBytes: bytes, announced: true } };
  }
}

@Injectable()
export class ModelStagesRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: PipelineRegistry,
    private readonly train: TrainStage,
    private readonly evaluate: EvaluateStage,
    private readonly register: RegisterStage,
    private readonly promote: PromoteStage,
    private readonly deploy: DeployStage,
  ) {}

  onModuleInit(): void {
    for (const stage of [this.train, this.evaluate, this.register, this.promote, this.deploy])
      this.registry.register(stage);
  }
}
