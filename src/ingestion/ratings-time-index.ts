import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CsvRecord, RECORDS_PER_BATCH, type RecordSource } from './csv-records.js';

/** Lines of a file by byte offset (ascending) and line number, as an index range finds them. */
export interface IndexedLines {
  kind: 'lines';
  path: string;
  offsets: Float64Array;
  lines: Uint32Array;
}

/**
 * An index of a ratings file by time, so a replay period reads its own lines rather than the whole
 * file. Built once per file (one pass, a few seconds a 25M-line file) into a sidecar file: every
 * line's timestamp, byte offset and line number, sorted by timestamp. A period [from, end) is then a
 * contiguous slice of it, found by binary search, and its lines are read with positioned reads of
 * the spans that hold them. MovieLens files are sorted by user, and a period's raters are a minority
 * of all users: their lines cluster, and the spans are a fraction of the file.
 *
 * Only for files read by splitting lines (no quote, no carriage return: see csv-records.ts), where a
 * line is a record. A line whose last field is not a whole number gets no moment: no period holds
 * it (the first load, which reads the whole file, quarantines it).
 */

const HEADER_BYTES = 4096;
const FORMAT = 'movie-reco moment index 1';
/** A line with no usable timestamp sorts last and is never in a range. */
const NO_MOMENT = 0xffffffff;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
/** Two offsets closer than this are read as one span: fewer reads for a little more data. */
const SPAN_GAP = 64 * 1024;
/** …up to this long: memory stays bounded however the period's lines spread. */
const MAX_SPAN = 4 * 1024 * 1024;

interface Header {
  format: string;
  /** The indexed file's size and modification time: a changed file gets a new index. */
  size: number;
  mtimeMs: number;
  rows: number;
}

export class RatingsTimeIndex {
  private constructor(
    private readonly indexPath: string,
    private readonly ratingsCsv: string,
    readonly rows: number,
  ) {}

  /**
   * The index of `ratingsCsv` stored at `indexPath`, built first when missing or stale if
   * `buildable()` says the file can be indexed (else undefined).
   */
  static async open(
    ratingsCsv: string,
    indexPath: string,
    buildable: () => Promise<boolean>,
  ): Promise<RatingsTimeIndex | undefined> {
    const file = await stat(ratingsCsv);
    const header = await readHeader(indexPath);
    if (header?.format === FORMAT && header.size === file.size && header.mtimeMs === file.mtimeMs) {
      return new RatingsTimeIndex(indexPath, ratingsCsv, header.rows);
    }
    if (!(await buildable())) return undefined;
    const rows = await buildIndex(ratingsCsv, indexPath, { size: file.size, mtimeMs: file.mtimeMs });
    return new RatingsTimeIndex(indexPath, ratingsCsv, rows);
  }

  /** The smallest moment m with from <= m < until (seconds), or undefined when none. */
  async firstMomentIn(from: number, until: number): Promise<number | undefined> {
    const handle = await open(this.indexPath);
    try {
      const at = await lowerBound(handle, this.rows, from);
      if (at === this.rows) return undefined;
      const moment = await momentAt(handle, at);
      return moment < until && moment !== NO_MOMENT ? moment : undefined;
    } finally {
      await handle.close();
    }
  }

  /**
   * The lines with a moment in [from, end), in file order: plain data (offsets and line numbers),
   * so the worker thread that parses them can be handed it; `lineRecords` reads them.
   */
  async range(from: number, end: number): Promise<IndexedLines> {
    return { kind: 'lines', path: this.ratingsCsv, ...(await this.slice(from, end)) };
  }

  /** The offsets (ascending) and line numbers of the lines with a moment in [from, end). */
  private async slice(from: number, end: number): Promise<{ offsets: Float64Array; lines: Uint32Array }> {
    const handle = await open(this.indexPath);
    try {
      const a = await lowerBound(handle, this.rows, from);
      const z = await lowerBound(handle, this.rows, end);
      const count = Math.max(0, z - a);
      const offsets = new Float64Array(count);
      const lines = new Uint32Array(count);
      await handle.read(new Uint8Array(offsets.buffer), 0, count * 8, offsetsStart(this.rows) + a * 8);
      await handle.read(new Uint8Array(lines.buffer), 0, count * 4, linesStart(this.rows) + a * 4);
      // Sorted by moment; read in file order.
      const order = Array.from({ length: count }, (_, i) => i).sort((x, y) => offsets[x]! - offsets[y]!);
      return {
        offsets: Float64Array.from(order, (i) => offsets[i]!),
        lines: Uint32Array.from(order, (i) => lines[i]!),
      };
    } finally {
      await handle.close();
    }
  }
}

const offsetsStart = (rows: number) => HEADER_BYTES + rows * 4;
const linesStart = (rows: number) => HEADER_BYTES + rows * 12;

type FileHandle = Awaited<ReturnType<typeof open>>;

async function momentAt(handle: FileHandle, row: number): Promise<number> {
  const bytes = new Uint8Array(4);
  await handle.read(bytes, 0, 4, HEADER_BYTES + row * 4);
  return new DataView(bytes.buffer).getUint32(0, true);
}

/** The first row whose moment is >= `moment` (rows when none), by binary search on the file. */
async function lowerBound(handle: FileHandle, rows: number, moment: number): Promise<number> {
  let lo = 0;
  let hi = rows;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await momentAt(handle, mid)) < moment) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bytes from `start` to the end of the line that starts at `lastLine`. */
async function readSpan(handle: FileHandle, start: number, lastLine: number): Promise<Buffer> {
  let length = lastLine - start + 256;
  for (;;) {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    const lineEnd = buffer.indexOf(NEWLINE, lastLine - start);
    if (lineEnd >= 0 || bytesRead < length) return buffer.subarray(0, lineEnd >= 0 ? lineEnd : bytesRead);
    length *= 2;
  }
}

async function readHeader(indexPath: string): Promise<Header | undefined> {
  try {
    const handle = await open(indexPath);
    try {
      const bytes = Buffer.alloc(HEADER_BYTES);
      await handle.read(bytes, 0, HEADER_BYTES, 0);
      return JSON.parse(bytes.toString('utf8').replace(/\0+$/, '')) as Header;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Scans the file once and writes the index (via a temporary file, so a crash leaves none half-written). */
async function buildIndex(
  ratingsCsv: string,
  indexPath: string,
  file: { size: number; mtimeMs: number },
): Promise<number> {
  const moments = new GrowingArray(Uint32Array);
  const offsets = new GrowingArray(Float64Array);
  const lines = new GrowingArray(Uint32Array);
  let line = 0;
  const add = (bytes: Buffer, start: number, end: number, offset: number) => {
    line++;
    if (end === start) return; // an empty line: no record
    moments.push(lastFieldNumber(bytes, start, end));
    offsets.push(offset);
    lines.push(line);
  };
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  for await (const chunk of createReadStream(ratingsCsv, { highWaterMark: 1 << 20 })) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let newline = bytes.indexOf(NEWLINE); newline >= 0; newline = bytes.indexOf(NEWLINE, from)) {
      add(bytes, from, newline, carryOffset + from);
      from = newline + 1;
    }
    carry = bytes.subarray(from);
    carryOffset += from;
  }
  if (carry.length > 0) add(carry, 0, carry.length, carryOffset);

  const [momentOf, offsetOf, lineOf] = [moments.values(), offsets.values(), lines.values()];
  const order = sortedByMoment(momentOf);
  const sortedMoments = Uint32Array.from(order, (i) => momentOf[i]!);
  const sortedOffsets = Float64Array.from(order, (i) => offsetOf[i]!);
  const sortedLines = Uint32Array.from(order, (i) => lineOf[i]!);
  const rows = order.length;
  const header: Header = { format: FORMAT, ...file, rows };
  const headerBytes = Buffer.alloc(HEADER_BYTES);
  headerBytes.write(JSON.stringify(header), 'utf8');
  await mkdir(dirname(indexPath), { recursive: true });
  const partial = `${indexPath}.part`;
  const handle = await open(partial, 'w');
  try {
    for (const part of [headerBytes, sortedMoments, sortedOffsets, sortedLines])
      await handle.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  } finally {
    await handle.close();
  }
  await rename(partial, indexPath).catch(async (error: Error) => {
    await rm(partial, { force: true });
    throw error;
  });
  return rows;
}

/** The whole number in the last comma-separated field of bytes[start, end), or NO_MOMENT. */
function lastFieldNumber(bytes: Buffer, start: number, end: number): number {
  const comma = bytes.lastIndexOf(COMMA, end - 1);
  if (comma < start) return NO_MOMENT;
  let p = comma + 1;
  let q = end;
  while (p < q && isBlank(bytes[p]!)) p++;
  while (q > p && isBlank(bytes[q - 1]!)) q--;
  if (p === q) return NO_MOMENT;
  let value = 0;
  for (let i = p; i < q; i++) {
    const c = bytes[i]!;
    if (c < ZERO || c > NINE) return NO_MOMENT;
    value = value * 10 + (c - ZERO);
    if (value >= NO_MOMENT) return NO_MOMENT;
  }
  return value;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09;

/** Row indices ordered by moment, ties in file order: a stable radix sort, two 16-bit passes. */
function sortedByMoment(moments: Uint32Array): Uint32Array {
  let order = new Uint32Array(moments.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  let next = new Uint32Array(moments.length);
  for (const shift of [0, 16]) {
    const starts = new Uint32Array(65_537);
    for (let i = 0; i < moments.length; i++) starts[((moments[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65_536; d++) starts[d + 1]! += starts[d]!;
    for (let i = 0; i < order.length; i++) {
      const row = order[i]!;
      next[starts[(moments[row]! >>> shift) & 0xffff]!++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** A typed array that doubles as it fills. */
class GrowingArray<T extends Uint32Array | Float64Array> {
  private array: T;
  private size = 0;

  constructor(private readonly ctor: new (length: number) => T) {
    this.array = new ctor(1 << 20);
  }

  push(value: number): void {
    if (this.size === this.array.length) {
      const bigger = new this.ctor(this.array.length * 2);
      bigger.set(this.array as never);
      this.array = bigger;
    }
    this.array[this.size++] = value;
  }

  values(): T {
    return this.array.subarray(0, this.size) as T;
  }
}

/** The spans a range's lines are read in: lines within SPAN_GAP of each other, up to MAX_SPAN. */
function spansOf(offsets: Float64Array): { first: number; last: number }[] {
  const spans: { first: number; last: number }[] = [];
  for (let first = 0; first < offsets.length;) {
    let last = first;
    while (
      last + 1 < offsets.length &&
      offsets[last + 1]! - offsets[last]! <= SPAN_GAP &&
      offsets[last + 1]! - offsets[first]! <= MAX_SPAN
    )
      last++;
    spans.push({ first, last });
    first = last + 1;
  }
  return spans;
}

/** The records of an index range, read a span at a time and handed over RECORDS_PER_BATCH at a time. */
export function lineRecords({ path, offsets, lines }: IndexedLines): RecordSource {
  const spans = spansOf(offsets);
  return {
    totalBytes: spans.reduce((sum, { first, last }) => sum + offsets[last]! - offsets[first]!, 0),
    async *batches(onBytes) {
      const data = await open(path);
      try {
        for (const { first, last } of spans) {
          const start = offsets[first]!;
          const span = await readSpan(data, start, offsets[last]!);
          onBytes(span.length);
          let batch: CsvRecord[] = [];
          for (let i = first; i <= last; i++) {
            const at = offsets[i]! - start;
            const stop = span.indexOf(NEWLINE, at);
            const raw = span.toString('utf8', at, stop < 0 ? span.length : stop);
            batch.push({ line: lines[i]!, raw, fields: raw.split(',') });
            if (batch.length === RECORDS_PER_BATCH) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
        }
      } finally {
        await data.close();
      }
    },
  };
}
