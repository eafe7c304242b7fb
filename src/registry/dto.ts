import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MODEL_STAGES } from './registry.service.js';

export class StageChangeDto {
  @ApiProperty({ enum: MODEL_STAGES, nullable: true }) from!: string | null;
  @ApiProperty({ enum: MODEL_STAGES }) to!: string;
  @ApiProperty({ example: 'NDCG@10 0.1080 vs production 0.1050: within the tolerance of 0.005' })
  reason!: string;
  @ApiProperty() at!: string;
}

export class ModelVersionDto {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 'ease' }) algorithm!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { lambda: 500 } }) params!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { 'ndcg@10': 0.108 } })
  metrics!: Record<string, number>;
  @ApiProperty({ example: 21 }) dataVersion!: number;
  @ApiProperty({ nullable: true, type: Number }) pipelineRunId!: number | null;
  @ApiProperty() trainingSeconds!: number;
  @ApiProperty() artifactBytes!: number;
  @ApiProperty() artifactSha256!: string;
  @ApiProperty({ enum: MODEL_STAGES }) stage!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [StageChangeDto], description: 'Every stage change, oldest first (empty in lists)' })
  history!: StageChangeDto[];
}

export class ModelVersionPageDto {
  @ApiProperty({ type: [ModelVersionDto] }) items!: ModelVersionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export class PromoteBody {
  @ApiPropertyOptional({ example: 'roll back: version 4 recommends too many sequels', maxLength: 500 })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason?: string;
}
