import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import {
  DeployStage,
  EvaluateStage,
  ModelStagesRegistrar,
  PromoteStage,
  RegisterStage,
  TrainStage,
} from './model-stages.js';

/** The model stages of the pipeline: train, evaluate, register, promote, deploy. */
@Module({
  imports: [PipelineModule, RegistryModule],
  providers: [TrainStage, EvaluateStage, RegisterStage, PromoteStage, DeployStage, ModelStagesRegistrar],
})
export class TrainingModule {}
