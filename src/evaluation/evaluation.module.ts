import { Module } from '@nestjs/common';
import { EvaluateStage } from './evaluate.stage.js';

/** The offline protocol; its stage scores each candidate beside production. */
@Module({
  providers: [EvaluateStage],
  exports: [EvaluateStage],
})
export class EvaluationModule {}
