import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeTempFolder } from './temp-folders.js';

/**
 * A trained bundle's bytes in a temporary file (under the OS's temp folder, TMPDIR), written as
 * the workers hand them over: a run does not hold a bundle (over a GB at 25M ratings) in memory
 * while it evaluates, and the registry reads it back a part at a time. `discard` removes it.
 */
export class SpooledArtifact {
  private constructor(
    private readonly dir: string,
    readonly byteLength: number,
    readonly sha256: string,
  ) {}

  /** Writes `chunks` one after another into a new temporary file, hashing them as they go. */
  static async write(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<SpooledArtifact> {
    const dir = await makeTempFolder('artifact');
    const hash = createHash('sha256');
    let bytes = 0;
    async function* hashed() {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
    }
    try {
      await pipeline(Readable.from(hashed()), createWriteStream(join(dir, FILE), { flags: 'wx' }));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new SpooledArtifact(dir, bytes, hash.digest('hex'));
  }

  /** The bytes in order, at most `partBytes` at a time, each part in a buffer of its own. */
  parts(partBytes: number): AsyncIterable<Uint8Array> {
    return createReadStream(join(this.dir, FILE), { highWaterMark: partBytes });
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

const FILE = 'bundle.bin';
