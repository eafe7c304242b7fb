import { Readable } from 'node:stream';
import {
  type ArgumentMetadata,
  BadRequestException,
  UnsupportedMediaTypeException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/**
 * The fields a DTO declares (those with a class-validator rule, inherited ones included): what
 * the whitelist lets through. Read from the object an error was found in.
 */
function acceptedFields(target: object | undefined): string[] {
  if (!target) return [];
  const rules = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(rules.map((rule) => rule.propertyName))];
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, text]) => {
      const message = prefix ? text.replace(error.property, path) : text;
      // "property q should not exist" alone leaves the caller guessing the field they meant.
      const accepted = rule === 'whitelistValidation' ? acceptedFields(error.target) : [];
      return accepted.length > 0 ? `${message}; accepted: ${accepted.join(', ')}` : message;
    });
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

/** DTOs remembered per class; the oldest entry goes first once a class has this many. */
const REMEMBERED_PER_CLASS = 10_000;
/** Longer input is validated every time rather than kept. */
const MAX_REMEMBERED_KEY = 256;

type Primitive = string | number | boolean | null | undefined;

/**
 * The key of a path, query or body object: its JSON text, which tells apart everything validation
 * looks at (a number from its text, a missing field from a null one). Undefined for anything but an
 * object, or one too long to be worth keeping.
 */
function textKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = JSON.stringify(value);
  return key.length <= MAX_REMEMBERED_KEY ? key : undefined;
}

/** The fields of a validated DTO when all of them are primitives (a shallow copy is then a full one). */
function primitiveFields(dto: unknown): Record<string, Primitive> | undefined {
  if (typeof dto !== 'object' || dto === null) return undefined;
  const fields = { ...dto } as Record<string, unknown>;
  return Object.values(fields).every((field) => field === null || typeof field !== 'object')
    ? (fields as Record<string, Primitive>)
    : undefined;
}

/**
 * The global validation pipe. Refuses a body that is not parsed data before class-transformer sees
 * it: the CSV upload's parser hands any text/csv request its raw stream, and class-transformer,
 * copying such an object into a DTO, constructs its socket handle and aborts the process.
 *
 * Small path, query and body objects that passed are remembered by their JSON text: the public
 * routes take the same few again and again (`{"id":"1"}`, `{}`, a genre taste picked from a form),
 * and class-transformer plus class-validator cost more per request than everything else those
 * routes do (a 21-field genre taste several times more). Validating an object into such a DTO
 * depends on nothing else, so a remembered result is the result; each request still gets its own
 * instance. DTOs with nested objects, and failures, are validated every time.
 */
class ApiValidationPipe extends ValidationPipe {
  private readonly remembered = new WeakMap<object, Map<string, Record<string, Primitive>>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && isRawBody(value)) {
      throw new UnsupportedMediaTypeException('send the body as JSON (Content-Type: application/json)');
    }
    const type = metadata.metatype;
    const key = metadata.type !== 'custom' && type ? textKey(value) : undefined;
    if (!type || key === undefined) return super.transform(value, metadata);

    let known = this.remembered.get(type);
    const fields = known?.get(key);
    if (fields) return Object.assign(Object.create(type.prototype as object) as object, fields);

    const dto: unknown = await super.transform(value, metadata);
    const keep = dto instanceof type ? primitiveFields(dto) : undefined;
    if (keep) {
      if (!known) this.remembered.set(type, (known = new Map()));
      if (known.size >= REMEMBERED_PER_CLASS) known.delete(known.keys().next().value as string);
      known.set(key, keep);
    }
    return dto;
  }
}

/** Rejects unknown fields and converts query/path text to the declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    // Nest leaves it out by default; exceptionFactory reads the DTO's fields from it (and sends none of it).
    validationError: { target: true },
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: flatten(errors) }),
  });
}
