import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IntegerParam } from '../common/integer-param.js';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1 })
  @IsOptional()
  @IntegerParam()
  @Max(10_000)
  @Min(1)
  @IsInt({ message: '$property must be an integer' })
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IntegerParam()
  @Max(100)
  @Min(1)
  @IsInt({ message: '$property must be an integer' })
  limit: number = 20;
}

export class IdParam {
  @ApiProperty({ example: 1 })
  @IntegerParam()
  @Max(2_147_483_647, { message: 'id must be at most 2147483647' })
  @Min(1, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id!: number;
}

export class StageRecordDto {
  @ApiProperty({ example: 'ingest' }) name!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'skipped'] }) status!: string;
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional() seconds?: number;
  @ApiPropertyOptional() rows?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) detail?: Record<string, unknown>;
  @ApiPropertyOptional() error?: string;
}

export class PipelineRunDto {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({ enum: ['schedule', 'manual', 'cli', 'startup', 'upload'] }) trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) scheduledFor!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '4242@api-1', description: 'pid@host that ran it' })
  runner!: string | null;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) seconds!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'completed' }) summary!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) batchId!: number | null;
  @ApiProperty({ nullable: true, type: Number }) dataVersion!: number | null;
  @ApiProperty({ type: [StageRecordDto] }) stages!: StageRecordDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) drift!: unknown;
}

export class PipelineRunPageDto {
  @ApiProperty({ type: [PipelineRunDto] }) items!: PipelineRunDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export class StartedRunDto {
  @ApiProperty({ example: 13 }) runId!: number;
  @ApiProperty({ example: '/admin/pipeline/runs/13' }) location!: string;
}
