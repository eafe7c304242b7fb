import { Readable } from 'node:stream';
import {
  type ArgumentMetadata,
  BadRequestException,
  UnsupportedMediaTypeException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      prefix ? message.replace(error.property, path) : message,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * A body no data parser produced: the raw request stream (or bytes). JSON and form parsers give
 * primitives, arrays and objects (the form parser's have a prototype of their own).
 */
function isRawBody(value: unknown): boolean {
  return value instanceof Readable || value instanceof Uint8Array;
}

/**
 * Refuses a body that is not parsed data before class-transformer sees it: the CSV upload's
 * parser hands any text/csv request its raw stream, and class-transformer, copying such an object
 * into a DTO, constructs its socket handle and aborts the process.
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && isRawBody(value)) {
      throw new UnsupportedMediaTypeException('send the body as JSON (Content-Type: application/json)');
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields and converts query/path text to the declared types. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: flatten(errors) }),
  });
}
