import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';

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
  const file = join(directory, `movie-reco-upload-${randomUUID()}.csv`);
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
  payload.pipe(limiter);
  try {
    await pipeline(limiter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
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
