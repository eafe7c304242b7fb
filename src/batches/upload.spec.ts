import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PayloadTooLargeException } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { receiveUpload } from './upload.js';

describe('receiveUpload', () => {
  const directories: string[] = [];
  const directory = () => {
    const made = mkdtempSync(join(tmpdir(), 'movie-reco-upload-spec-'));
    directories.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of directories.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('leaves no file behind when the first chunk is already over the limit', async () => {
    const into = directory();
    for (let attempt = 0; attempt < 20; attempt++) {
      // The body already received, as a server holds it when the handler runs.
      const body = new Readable({ read() {} });
      body.push(Buffer.alloc(5000, 0x41));
      body.push(null);
      await expect(receiveUpload(body, 100, undefined, into)).rejects.toThrow(PayloadTooLargeException);
    }
    // A file opened late would appear after the refusal: give it the time to.
    await sleep(50);
    expect(readdirSync(into)).toEqual([]);
  });

  it('keeps a body within the limit, whole', async () => {
    const into = directory();
    const { file, bytes } = await receiveUpload(
      Readable.from([Buffer.from('userId,movieId\n1,2\n')]),
      100,
      undefined,
      into,
    );
    expect(bytes).toBe(19);
    expect(readdirSync(into)).toEqual([file.slice(into.length + 1)]);
  });
});
