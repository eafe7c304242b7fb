import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { finished, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { missingHeader } from '../ingestion/rating-rows-job.js';
import { tempFilePath } from '../ingestion/temp-files.js';

export const CSV_MEDIA_TYPE = 'text/csv';

/** The media type of a Content-Type header, without parameters, lower-cased ('' when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

class TooLargeError extends Error {}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`the upload is larger than ${maxBytes} bytes (UPLOAD_MAX_BYTES)`);
}

/** Reads and drops the rest of a request body, so the client gets the answer rather than a reset. */
function discard(payload: Readable): void {
  payload.resume();
}

/** Removes a temporary upload; never throws. */
export async function removeUpload(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}

/**
 * Streams a request body into a new temporary file (mode 0600), never holding it whole in memory.
 * Over maxBytes (declared by Content-Length or counted while streaming) it stops writing, removes
 * the file and throws 413; an empty body throws 400. The caller owns the returned file.
 */
export async function receiveUpload(
  payload: Readable,
  maxBytes: number,
  declaredLength?: number,
  directory = tmpdir(),
): Promise<{ file: string; bytes: number }> {
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    discard(payload);
    throw tooLarge(maxBytes);
  }
  const file = tempFilePath('upload', 'csv', directory);
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new TooLargeError());
      else callback(null, chunk);
    },
  });
  // pipe(), not pipeline(): a failure must not destroy the request, or the client never gets the 413.
  finished(payload, (error) => {
    if (error) limiter.destroy(error);
  });
  // Opened before anything can fail: a stream that opened its file itself would, refused at the
  // first chunk, create it after the removal below had run, and leave it behind.
  const handle = await open(file, 'wx', 0o600).catch((error: unknown) => {
    discard(payload);
    throw error;
  });
  payload.pipe(limiter);
  try {
    await pipeline(limiter, handle.createWriteStream());
  } catch (error) {
    payload.unpipe(limiter);
    discard(payload);
    await removeUpload(file);
    if (error instanceof TooLargeError) throw tooLarge(maxBytes);
    if (payload.destroyed || (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new BadRequestException('the upload was interrupted before the body ended');
    }
    throw error;
  }
  if (bytes === 0) {
    await removeUpload(file);
    throw new BadRequestException('the request body is empty: send the ratings CSV as the body');
  }
  return { file, bytes };
}

/** How far into the file the header line is looked for. */
const HEADER_SCAN_BYTES = 64 * 1024;

/**
 * Checks, before any run starts, that a received upload begins with the ratings header: a wrong
 * file is the client's mistake, answered 400 here rather than as a run that fails later.
 */
export async function checkUploadHeader(file: string, name: string): Promise<void> {
  const handle = await open(file);
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEADER_SCAN_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const end = head.indexOf(0x0a);
  const line = head.toString('utf8', 0, end < 0 ? head.length : end).replace(/\r$/, '');
  let fields: string[];
  try {
    fields =
      (parseCsv(line, { bom: true, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    fields = line.split(',');
  }
  const missing = missingHeader(name, fields, line);
  if (missing !== undefined) throw new BadRequestException(missing);
}
