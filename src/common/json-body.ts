import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** No body of this API nests: deeper JSON is refused before any code walks it. */
export const MAX_JSON_DEPTH = 8;
/** Values (objects, arrays, strings, numbers…) in one body, counted before validation. */
export const MAX_JSON_VALUES = 1000;

/**
 * Refuses JSON that the validation layer should never see: nested deeper than MAX_JSON_DEPTH
 * (class-transformer recurses and overflows the stack on a few thousand levels), with more than
 * MAX_JSON_VALUES values, or with a NUL in a string (PostgreSQL text cannot hold it). Walks
 * iteratively, so the check itself cannot overflow.
 */
export function checkJsonShape(value: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let values = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (++values > MAX_JSON_VALUES) return `the JSON body has more than ${MAX_JSON_VALUES} values`;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return 'the JSON body has a NUL character in a string';
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
      const children = Array.isArray(current) ? current : Object.entries(current).flat();
      for (const child of children) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

type JsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/**
 * The application/json parser: Fastify's own (prototype-poisoning keys refused), after a strict
 * UTF-8 decode (invalid bytes are a 400, not silently replaced) and followed by checkJsonShape.
 * Body size is bounded by BODY_MAX_BYTES before this runs.
 */
export function strictJsonParser(
  fastifyParser: JsonParser,
): (request: FastifyRequest, body: Buffer) => Promise<unknown> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return async (request, body) => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      throw new BadRequestException('the body is not valid UTF-8');
    }
    const parsed = await new Promise<unknown>((resolve, reject) =>
      fastifyParser(request, text, (error, value) => (error ? reject(error) : resolve(value))),
    );
    const problem = checkJsonShape(parsed);
    if (problem) throw new BadRequestException(problem);
    return parsed;
  };
}
