import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import {
  EvaluateStage,
  ModelStagesRegistrar,
  PromoteStage,
  RegisterStage,
  TrainStage,
} from './model-stages.js';

/** The model stages of the pipeline: train, evaluate, register, promote. */
@Module({
  imports: [PipelineModule, RegistryModule],
  providers: [TrainStage, EvaluateStage, RegisterStage, PromoteStage, ModelStagesRegistrar],
})
export class TrainingModule {}
