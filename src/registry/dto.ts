import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ReplayMeasureDto } from '../evaluation/dto.js';
import { OnlineQualityDto } from '../impressions/dto.js';
import { MODEL_STAGES } from './registry.service.js';

export class StageChangeDto {
  @ApiProperty({ enum: MODEL_STAGES, nullable: true }) from!: string | null;
  @ApiProperty({ enum: MODEL_STAGES }) to!: string;
  @ApiProperty({ example: 'NDCG@10 0.1080 vs production 0.1050: within the tolerance of 0.005' })
  reason!: string;
  @ApiProperty({ example: '2026-11-26T00:03:12.481Z' }) at!: string;
}

export class ModelVersionDto {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 'session-aware' }) algorithm!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { lambda: 250, window: 200, neighbours: 200, returningRelativeLambda: 20 },
  })
  params!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Offline metrics on the held-out ratings, per protocol (next-day:…, session:…)',
    example: { 'ndcg@10': 0.0864, 'next-day:ndcg@10': 0.0864, 'session:ndcg@10': 0.1685, users: 610 },
  })
  metrics!: Record<string, number>;
  @ApiProperty({ example: 21 }) dataVersion!: number;
  @ApiProperty({ nullable: true, type: Number, example: 21 }) pipelineRunId!: number | null;
  @ApiProperty({ example: 1.05 }) trainingSeconds!: number;
  @ApiProperty({ example: 2985832 }) artifactBytes!: number;
  @ApiProperty({ example: '7bf7fb8c273c57c987c9d559ba225abf0030bf898976760ab9c9c94d675863c1' })
  artifactSha256!: string;
  @ApiProperty({ enum: MODEL_STAGES, example: 'production' }) stage!: string;
  @ApiProperty({ example: '2026-11-26T00:03:12.398Z' }) createdAt!: string;
  @ApiProperty({ type: [StageChangeDto], description: 'Every stage change, oldest first (empty in lists)' })
  history!: StageChangeDto[];
}

export class ModelVersionDetailDto extends ModelVersionDto {
  @ApiProperty({
    type: OnlineQualityDto,
    description: 'How the lists this version served did: impressions and hits, by path (online quality)',
  })
  online!: OnlineQualityDto;
  @ApiProperty({
    type: [ReplayMeasureDto],
    description:
      'The replay stage: this version scored on each batch that arrived while it served, before it was ' +
      'trained on (oldest data version first)',
  })
  replay!: ReplayMeasureDto[];
}

export class ModelVersionPageDto {
  @ApiProperty({ type: [ModelVersionDto] }) items!: ModelVersionDto[];
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) limit!: number;
}

export class PromoteBody {
  @ApiPropertyOptional({ example: 'roll back: version 4 recommends too many sequels', maxLength: 500 })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason?: string;
}
