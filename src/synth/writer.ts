/** Writes generated lines to a file through a stream, waiting whenever the stream asks to. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Lines are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARS = 1 << 16;

/**
 * Writes each line (a line break added) to `path`, which must not exist yet; `onLines` hears the
 * number of lines written so far after each chunk. Resolves with the number of lines.
 */
export async function writeLines(
  path: string,
  lines: Iterable<string>,
  onLines?: (written: number) => void,
): Promise<number> {
  const stream = createWriteStream(path, { flags: 'wx' });
  let failure: Error | undefined;
  stream.on('error', (error) => (failure = error));
  let chunk: string[] = [];
  let chars = 0;
  let written = 0;
  try {
    for (const line of lines) {
      chunk.push(line);
      chars += line.length + 1;
      if (chars < CHUNK_CHARS) continue;
      written += chunk.length;
      const more = stream.write(`${chunk.join('\n')}\n`);
      chunk = [];
      chars = 0;
      if (failure) throw failure;
      if (!more) await once(stream, 'drain'); // rejects if the stream fails meanwhile
      if (failure) throw failure;
      onLines?.(written);
    }
    if (chunk.length > 0) {
      written += chunk.length;
      stream.write(`${chunk.join('\n')}\n`);
    }
    stream.end();
    await once(stream, 'finish');
    if (failure) throw failure;
    onLines?.(written);
    return written;
  } catch (error) {
    stream.destroy();
    throw error;
  }
}
