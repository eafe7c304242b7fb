import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { SpooledArtifact } from './spooled-artifact.js';

const bytesOf = (...values: number[]) => Uint8Array.from(values);

async function readAll(artifact: SpooledArtifact, partBytes: number): Promise<number[][]> {
  const parts: number[][] = [];
  for await (const part of artifact.parts(partBytes)) parts.push(Array.from(part));
  return parts;
}

describe('SpooledArtifact', () => {
  it('gives back the chunks written, in parts of the size asked, with their length and sha256', async () => {
    const chunks = [bytesOf(1, 2, 3), bytesOf(), bytesOf(4, 5, 6, 7, 8)];
    const artifact = await SpooledArtifact.write(chunks);
    try {
      expect(artifact.byteLength).toBe(8);
      expect(artifact.sha256).toBe(
        createHash('sha256')
          .update(bytesOf(1, 2, 3, 4, 5, 6, 7, 8))
          .digest('hex'),
      );
      expect(await readAll(artifact, 3)).toEqual([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8],
      ]);
      expect(await readAll(artifact, 100)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    } finally {
      await artifact.discard();
    }
  });

  it('removes its file on discard, and a second discard is harmless', async () => {
    const before = new Set(await listSpools());
    const artifact = await SpooledArtifact.write([bytesOf(1)]);
    const made = (await listSpools()).filter((name) => !before.has(name));
    expect(made).toHaveLength(1);
    await artifact.discard();
    await artifact.discard();
    expect(existsSync(`${tmpdir()}/${made[0]}`)).toBe(false);
    await expect(readAll(artifact, 4)).rejects.toThrow(/ENOENT/);
  });

  it('has no parts when empty', async () => {
    const artifact = await SpooledArtifact.write([]);
    expect(artifact.byteLength).toBe(0);
    expect(await readAll(artifact, 4)).toEqual([]);
    await artifact.discard();
  });
});

async function listSpools(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('movie-reco-artifact-'));
}
