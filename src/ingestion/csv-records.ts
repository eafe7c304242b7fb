import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  raw: string;
  fields: string[];
}

/**
 * Streams a CSV file record by record (memory does not grow with the file). Rows with the wrong
 * number of fields or stray quotes are yielded as they are, so the caller can quarantine them.
 */
export async function* readCsvRecords(
  path: string,
  onBytes: (bytes: number) => void = () => undefined,
): AsyncGenerator<CsvRecord> {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const parser = createReadStream(path)
    .pipe(counter)
    .pipe(
      parse({
        bom: true,
        info: true,
        raw: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
      }),
    );
  for await (const { record, info, raw } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; records: number };
    raw: string;
  }>) {
    yield { line: info.lines, raw: raw.replace(/\r?\n$/, ''), fields: record };
  }
}
