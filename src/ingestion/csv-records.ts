import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  raw: string;
  fields: string[];
}

/** Records to stage: a whole file, or a replay period's lines of one. */
export interface RecordSource {
  /** Bytes to read in all, for the progress bar. */
  totalBytes: number;
  batches(onBytes: (bytes: number) => void): AsyncIterable<CsvRecord[]>;
}

/**
 * Records per batch, about 64 KiB of MovieLens rows. A batch is alive while it is checked, so every
 * young-generation collection in between copies it: batches of a megabyte made the reader spend
 * twice as long (most of it collecting) as batches of this size (docs/benchmarks-log.md).
 */
export const RECORDS_PER_BATCH = 2048;
const READ_BYTES = 64 * 1024;

const QUOTE = 0x22;
const CARRIAGE_RETURN = 0x0d;

/**
 * Streams a CSV file record by record (memory does not grow with the file). Rows with the wrong
 * number of fields or stray quotes are yielded as they are, so the caller can quarantine them.
 *
 * A file with no quote and no carriage return (MovieLens' ratings.csv) needs none of CSV's quoting
 * rules: each non-empty line is one record and every comma separates two fields (RFC 4180), so it
 * is split directly, about 5× faster than csv-parse at the same result; any other file goes through
 * csv-parse.
 */
export async function* readCsvRecords(
  path: string,
  onBytes: (bytes: number) => void = () => undefined,
): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(path, onBytes)) yield* batch;
}

/**
 * The records of readCsvRecords in batches (RECORDS_PER_BATCH, or what READ_BYTES of the file
 * hold): one await per batch rather than per record, which is most of the cost of reading tens of
 * millions of short rows.
 */
export async function* readCsvBatches(
  path: string,
  onBytes: (bytes: number) => void = () => undefined,
): AsyncGenerator<CsvRecord[]> {
  if (await hasNoQuotingBytes(path)) yield* splitLines(path, onBytes);
  else yield* parseCsv(path, onBytes);
}

/** Whether the file holds neither `"` nor `\r` (one pass of Buffer.indexOf: memory-speed). */
export async function hasNoQuotingBytes(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    for await (const chunk of file.createReadStream({ highWaterMark: 1 << 20 })) {
      const bytes = chunk as Buffer;
      if (bytes.includes(QUOTE) || bytes.includes(CARRIAGE_RETURN)) return false;
    }
    return true;
  } finally {
    await file.close();
  }
}

async function* splitLines(path: string, onBytes: (bytes: number) => void): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  let first = true;
  let records: CsvRecord[] = [];
  const take = (text: string) => {
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const raw of lines) {
      line++;
      if (raw !== '') records.push({ line, raw, fields: raw.split(',') });
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES })) {
    const bytes = chunk as Buffer;
    onBytes(bytes.length);
    let text = rest + decoder.write(bytes);
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    take(text);
    yield records;
    records = [];
  }
  take(`${rest}${decoder.end()}\n`);
  if (records.length > 0) yield records;
}

async function* parseCsv(path: string, onBytes: (bytes: number) => void): AsyncGenerator<CsvRecord[]> {
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
  let batch: CsvRecord[] = [];
  for await (const { record, info, raw } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; records: number };
    raw: string;
  }>) {
    // csv-parse's raw text carries the line ends around the record, and its line count is where the
    // record ends: both are made the record's own (so the two readers agree).
    const text = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
    batch.push({ line: info.lines - (text.match(/\n/g)?.length ?? 0), raw: text, fields: record });
    if (batch.length === RECORDS_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
