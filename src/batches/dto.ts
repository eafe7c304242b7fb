import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../common/paging.js';
import { BATCH_CHECKS } from '../validation/validation-report.js';

const BATCH_STATUSES = ['applied', 'rejected'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export class ListBatchesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BATCH_STATUSES, description: 'Only batches with this status' })
  @IsOptional()
  @IsIn(BATCH_STATUSES, { message: `status must be one of: ${BATCH_STATUSES.join(', ')}` })
  status?: BatchStatus;
}

export class QuarantineQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BATCH_CHECKS, description: 'Only rows that failed this check' })
  @IsOptional()
  @IsIn(BATCH_CHECKS, { message: `check must be one of: ${BATCH_CHECKS.join(', ')}` })
  check?: string;
}

/** File names the uploaded CSV may be recorded under: no paths, no spaces, no control characters. */
const UPLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class UploadQuery {
  @ApiPropertyOptional({
    example: 'ratings-2026-11.csv',
    default: 'upload.csv',
    description: 'Name the batch is recorded under (source upload:<name>); letters, digits, . _ -',
  })
  @IsOptional()
  @Matches(UPLOAD_NAME, {
    message:
      'name must be 1–100 letters, digits, dots, underscores or dashes, starting with a letter or digit',
  })
  name?: string;
}

export class BatchDto {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description: 'The data version; null if rejected',
  })
  version!: number | null;
  @ApiProperty({ enum: ['full', 'initial', 'period', 'upload', 'feedback'] }) kind!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: BatchStatus;
  @ApiProperty({ example: 'movielens:ml-latest-small' }) source!: string;
  @ApiProperty({ nullable: true, type: String, example: '2001' }) period!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodStart!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodEnd!: string | null;
  @ApiProperty() moviesRows!: number;
  @ApiProperty() ratingsRows!: number;
  @ApiProperty() feedbackRows!: number;
  @ApiProperty() quarantinedRows!: number;
  @ApiProperty({ example: 0.42 }) seconds!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: Number }) pipelineRunId!: number | null;
}

export class BatchPageDto {
  @ApiProperty({ type: [BatchDto] }) items!: BatchDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export class ValidationReportDto {
  @ApiProperty() passed!: boolean;
  @ApiProperty() rowsRead!: number;
  @ApiProperty() rowsAccepted!: number;
  @ApiProperty() rowsQuarantined!: number;
  @ApiProperty({ example: 0.012, description: 'rowsQuarantined / rowsRead' }) badRowShare!: number;
  @ApiProperty({ example: 0.05, description: 'Largest bad-row share a batch may have and be applied' })
  threshold!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Rows that failed each check',
    example: { rating: 1, duplicate: 2 },
  })
  checks!: Record<string, number>;
}

export class BatchDetailDto extends BatchDto {
  @ApiProperty({ type: ValidationReportDto, nullable: true }) report!: ValidationReportDto | null;
}

export class QuarantinedRowDto {
  @ApiProperty({ example: 'ratings.csv' }) file!: string;
  @ApiProperty({ example: 226 }) line!: number;
  @ApiProperty({ example: '3,12,7.5,978300760' }) raw!: string;
  @ApiProperty({ example: 'rating' }) check!: string;
  @ApiProperty({ example: 'rating is not between 0.5 and 5.0 in steps of 0.5' }) reason!: string;
}

export class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRowDto] }) items!: QuarantinedRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
