import { Transform, type TransformFnParams } from 'class-transformer';

/**
 * Path and query text to a number only when it is a plain decimal integer (digits only). Anything
 * else — "0x10", "1e3", "+5", "-5", " 5", "5.0", "", a repeated query parameter — is left as it
 * is, so the IsInt check after it fails with a 400 instead of the value being read as some other
 * number.
 */
export function decimalInt({ value }: Pick<TransformFnParams, 'value'>): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

export function IntegerParam(): PropertyDecorator {
  return Transform(decimalInt);
}
