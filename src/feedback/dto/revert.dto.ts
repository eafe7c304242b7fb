import { ApiProperty } from '@nestjs/swagger';
import {
  IsString,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export const SINCE_RULE =
  'since must be an ISO 8601 time with its offset (2026-11-26T09:00:00Z, 2026-11-26T10:00+01:00) or a date (2026-11-26, midnight UTC)';

/**
 * The moment a revert starts from: an ISO 8601 time with its offset, or a date (midnight UTC).
 * A time without an offset is refused: read in the server's zone, it could remove an hour more or
 * less than meant. Undefined when the text is not such a time.
 */
export function parseRevertTime(text: string): Date | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date accepts 2026-02-31 as 3 March: the calendar date must read back as written.
  if (date.toISOString().slice(0, 10) !== text.slice(0, 10) && !/[+-]\d{2}:\d{2}$/.test(text))
    return undefined;
  return date;
}

@ValidatorConstraint({ name: 'isRevertTime' })
class IsRevertTime implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseRevertTime(value) !== undefined;
  }

  defaultMessage(): string {
    return SINCE_RULE;
  }
}

/** The body of POST /admin/feedback/revert. */
export class RevertFeedbackBody {
  @ApiProperty({
    description: 'The API client whose ratings to remove (it need not be in AUTH_CLIENTS any more)',
    example: 'web-backend',
  })
  @Matches(/^[A-Za-z0-9._~-]{1,64}$/, {
    message: 'clientId must be 1-64 characters among letters, digits and . _ ~ -',
  })
  @IsString({ message: 'clientId must be a string' })
  clientId!: string;

  @ApiProperty({
    description: 'Remove the ratings it sent at or after this time (ISO 8601 with an offset, or a date)',
    example: '2026-11-26T09:00:00Z',
  })
  @Validate(IsRevertTime)
  @IsString({ message: 'since must be a string' })
  since!: string;
}

/** What a revert removed. */
export class FeedbackRevertDto {
  @ApiProperty({ example: 'web-backend' })
  clientId!: string;

  @ApiProperty({ example: '2026-11-26T09:00:00.000Z' })
  since!: string;

  @ApiProperty({ example: 620, description: "The client's current ratings removed" })
  ratings!: number;

  @ApiProperty({
    example: 600,
    description: 'Of those, the ones a run had adopted (a model may have trained on them)',
  })
  adopted!: number;

  @ApiProperty({
    example: 3,
    description: "The client's ratings a later rating had replaced (history), removed",
  })
  replaced!: number;

  @ApiProperty({
    example: 1,
    description: "Older ratings (dataset, other clients) put back where the client's had replaced them",
  })
  restored!: number;

  @ApiProperty({ example: 620 })
  users!: number;

  @ApiProperty({ example: 1 })
  movies!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 42,
    description:
      'The data version the revert became: the next pipeline run trains on it. Null when nothing matched',
  })
  dataVersion!: number | null;
}
