import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value in PostgreSQL COPY text format: \N for null, with backslash, tab and newlines escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

export function copyLine(values: (string | number | null)[]): string {
  return `${values.map(copyField).join('\t')}\n`;
}

/** Groups lines into chunks of about 64 KiB so the COPY stream is not fed one tiny write per row. */
async function* chunked(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const line of lines) {
    buffer += line;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer.length > 0) yield buffer;
}

/** Streams lines (COPY text format) into `COPY <target> FROM STDIN`; returns the rows copied. */
export async function copyInto(
  client: PoolClient,
  target: string,
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(Readable.from(chunked(lines)), stream);
  return stream.rowCount ?? 0;
}
