import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';

/** `POST /admin/pipeline/runs?retrain=true`: train even when no new data arrived. */
export class StartRunQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'true: train even when no new data arrived and the newest data already has a model (a run with no new data trains anyway when it has none)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'retrain must be true or false' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  retrain?: 'true' | 'false';
}

export class StageRecordDto {
  @ApiProperty({ example: 'ingest' }) name!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'skipped'], example: 'succeeded' }) status!: string;
  @ApiProperty({ example: '2026-11-26T00:00:00.260Z' }) startedAt!: string;
  @ApiPropertyOptional({ example: 4.165 }) seconds?: number;
  @ApiPropertyOptional({ example: 8463 }) rows?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { kind: 'period', period: '1999', batchId: 2, pendingFeedback: 0 },
  })
  detail?: Record<string, unknown>;
  @ApiPropertyOptional() error?: string;
}

export class PipelineRunDto {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({ enum: ['schedule', 'manual', 'cli', 'startup', 'upload'], example: 'manual' })
  trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'], example: 'succeeded' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) scheduledFor!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '4242@api-1', description: 'pid@host that ran it' })
  runner!: string | null;
  @ApiProperty({ example: '2026-11-26T00:00:00.243Z' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-26T00:00:08.868Z' }) finishedAt!:
    string | null;
  @ApiProperty({ nullable: true, type: Number, example: 8.625 }) seconds!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'completed' }) summary!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 2 }) batchId!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 2 }) dataVersion!: number | null;
  @ApiProperty({ type: [StageRecordDto] }) stages!: StageRecordDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) drift!: unknown;
}

export class PipelineRunPageDto {
  @ApiProperty({ type: [PipelineRunDto] }) items!: PipelineRunDto[];
  @ApiProperty({ example: 12 }) total!: number;
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) limit!: number;
}

export class StartedRunDto {
  @ApiProperty({ example: 13 }) runId!: number;
  @ApiProperty({ example: '/admin/pipeline/runs/13' }) location!: string;
}

/** The OpenAPI examples of the 409 and 503 of the routes that start a run (startRunForRequest). */
export const RUN_ACTIVE = {
  description: 'A run is active; activeRunId names it (null when another process holds it)',
  message: 'pipeline run 12 is active; wait for it to finish',
  extra: { activeRunId: 12 },
};
export const SERVE_ONLY = {
  description: 'This replica serves only (ROLE=api)',
  message:
    'this replica serves only (ROLE=api): start pipeline runs and uploads on the worker (ROLE=worker) or with `cli pipeline run`',
};
