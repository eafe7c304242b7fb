import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
