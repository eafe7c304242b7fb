import { ApiProperty } from '@nestjs/swagger';
import { type HitRate } from '../core/index.js';
import type { ReplayVariantFigures } from './replay-job.js';
import type { StoredReplayMeasure } from './replay-measure.js';

export class HitRateDto implements HitRate {
  @ApiProperty({ example: 1043, description: 'Ratings >= 4 by a user with an earlier rating, ranked' })
  events!: number;
  @ApiProperty({ example: 61 }) users!: number;
  @ApiProperty({ example: 0.1131, description: 'Hits over events: the rated movie was in the top 10' })
  hitRate!: number;
  @ApiProperty({ example: 0.1342, description: "The mean of each user's hit rate" }) userMean!: number;
  @ApiProperty({ example: 0.0187, description: 'Standard error of the per-user mean' }) userSe!: number;
}

export class ReplayVariantDto extends HitRateDto implements ReplayVariantFigures {
  @ApiProperty({ type: HitRateDto, description: 'Users the model was trained on' }) known!: HitRateDto;
  @ApiProperty({ type: HitRateDto, description: 'Users it never saw (ranked from their ratings since)' })
  new!: HitRateDto;
}

export class ReplayMeasureDto implements StoredReplayMeasure {
  @ApiProperty({ example: 2, description: 'The version scored (production when the batch arrived)' })
  modelVersionId!: number;
  @ApiProperty({ example: 1, description: 'The data version it was trained on' }) modelDataVersion!: number;
  @ApiProperty({ example: 2, description: 'The data version the scored batch became' }) dataVersion!: number;
  @ApiProperty({ example: 2 }) batchId!: number;
  @ApiProperty({ example: 3 }) pipelineRunId!: number;
  @ApiProperty({ type: ReplayVariantDto, description: 'As served: the ratings since training folded in' })
  served!: ReplayVariantDto;
  @ApiProperty({ type: ReplayVariantDto, description: 'The same model ranking from training alone' })
  nightly!: ReplayVariantDto;
  @ApiProperty({ example: true, description: 'False when the time budget cut it (earlier events only)' })
  complete!: boolean;
  @ApiProperty({ example: 12, description: 'Ratings >= 4 of movies the model does not hold' })
  unscored!: number;
  @ApiProperty({ example: 74, description: 'Users with a rating >= 4 in the batch' }) candidateUsers!: number;
  @ApiProperty({ example: 74, description: 'How many of them were ranked (EVALUATION_REPLAY_MAX_USERS)' })
  sampledUsers!: number;
  @ApiProperty({ example: 6418 }) batchRatings!: number;
  @ApiProperty({ example: 9.8 }) seconds!: number;
  @ApiProperty({ example: '2026-11-26T00:02:41.007Z' }) measuredAt!: string;
}
