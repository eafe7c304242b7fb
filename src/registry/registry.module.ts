import { Module } from '@nestjs/common';
import { EvaluationModule } from '../evaluation/evaluation.module.js';
import { ImpressionsModule } from '../impressions/impressions.module.js';
import { TrainingModule } from '../training/training.module.js';
import { DeployStage } from './deploy.stage.js';
import { ModelsController } from './models.controller.js';
import { PromoteStage } from './promote.stage.js';
import { RegisterStage } from './register.stage.js';
import { RegistryRepository } from './registry.repository.js';
import { RegistryService } from './registry.service.js';

/** Model versions and their stages; the register, promote and deploy stages. */
@Module({
  imports: [EvaluationModule, ImpressionsModule, TrainingModule],
  controllers: [ModelsController],
  providers: [RegistryRepository, RegistryService, RegisterStage, PromoteStage, DeployStage],
  exports: [RegistryService, RegisterStage, PromoteStage, DeployStage],
})
export class RegistryModule {}
