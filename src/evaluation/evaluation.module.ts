import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { EvaluateStage } from './evaluate.stage.js';
import { ReplayMeasuresService } from './replay-measures.service.js';
import { ReplayStage } from './replay.stage.js';

/**
 * The offline protocol; its stage scores each candidate beside production. The replay stage scores
 * production on each new batch (read through ingestion) and keeps the figures (`replay_measures`).
 */
@Module({
  imports: [IngestionModule],
  providers: [EvaluateStage, ReplayStage, ReplayMeasuresService],
  exports: [EvaluateStage, ReplayStage, ReplayMeasuresService],
})
export class EvaluationModule {}
