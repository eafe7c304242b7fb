import { tinyData } from '../core/algorithms/fixtures.js';
import { checkBundle, fitBundle, serializeBundle } from '../core/model-bundle.js';
import { DeployStage } from './deploy.stage.js';
import type { RegistryService } from './registry.service.js';

/** A registry that serves one artifact and records what the stage asks of it. */
function fakeRegistry(artifact: Uint8Array) {
  const calls: string[] = [];
  const registry = {
    artifact: async () => ({ bytes: artifact, sha256: 'x', algorithm: 'ease', dataVersion: 1 }),
    announce: async (id: number) => void calls.push(`announce ${id}`),
    promote: async (id: number, reason: string) => void calls.push(`promote ${id}: ${reason}`),
  };
  return { registry: registry as unknown as RegistryService, calls };
}

describe('DeployStage', () => {
  const good = serializeBundle(fitBundle(tinyData(), {}));

  it('finds nothing wrong with a freshly fitted bundle', () => {
    expect(checkBundle(fitBundle(tinyData(), {}))).toEqual([]);
  });

  it('announces a version whose artifact loads and answers', async () => {
    const { registry, calls } = fakeRegistry(good);
    const result = await new DeployStage(registry).run(2, 1);
    expect(calls).toEqual(['announce 2']);
    expect(result.detail).toEqual({ modelVersion: 2, artifactBytes: good.byteLength, announced: true });
  });

  it('rolls back to the version it replaced when the artifact does not load, and fails the run', async () => {
    const { registry, calls } = fakeRegistry(good.slice(0, 100));
    await expect(new DeployStage(registry).run(2, 1)).rejects.toThrow(/^deploy of version 2 failed: /);
    expect(calls).toEqual([expect.stringMatching(/^promote 1: rolled back: deploy of version 2 failed: /)]);
  });

  it('fails without a rollback when there was no earlier production version', async () => {
    const { registry, calls } = fakeRegistry(new Uint8Array(8));
    await expect(new DeployStage(registry).run(1, undefined)).rejects.toThrow(/deploy of version 1 failed/);
    expect(calls).toEqual([]);
  });
});
