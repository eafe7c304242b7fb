import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The environment variables the service reads, with their defaults and rules. */
export class Environment {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8000;

  @IsString()
  HOST: string = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @IsString()
  PG_DATA_DIR: string = './data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  PG_PORT: number = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MOVIELENS_DIR?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MOVIELENS_URL: string = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'MOVIELENS_SHA256 must be 64 hexadecimal characters' })
  MOVIELENS_SHA256?: string;

  @IsString()
  DATA_CACHE_DIR: string = './data/cache';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBool)
  @IsBoolean({ message: 'AUTO_INGEST must be true or false' })
  AUTO_INGEST: boolean = true;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; throws ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const known = Object.keys(new Environment());
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== undefined && known.includes(key)),
  );
  const parsed = plainToInstance(Environment, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => {
        const rules = Object.values(error.constraints ?? {}).join('; ');
        return `${error.property}=${JSON.stringify(relevant[error.property])}: ${rules}`;
      }),
    );
  }
  return parsed;
}
