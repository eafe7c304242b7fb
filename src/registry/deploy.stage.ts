import { Injectable } from '@nestjs/common';
import type { StageReport } from '../common/stage-report.js';
import { checkBundle, deserializeBundle } from '../core/index.js';
import { RegistryService } from './registry.service.js';

/**
 * deploy: reads the promoted artifact back as the serving processes will (sha256 checked), checks
 * that every part of it answers, then announces it; each serving process loads it and swaps it in.
 * A version that fails the check is rolled back to the one it replaced, and the run fails.
 */
@Injectable()
export class DeployStage {
  constructor(private readonly registry: RegistryService) {}

  async run(id: number, replacedId: number | undefined): Promise<StageReport> {
    let problems: string[];
    let bytes = 0;
    try {
      const artifact = await this.registry.artifact(id);
      bytes = artifact.bytes.byteLength;
      problems = checkBundle(deserializeBundle(artifact.bytes));
    } catch (error) {
      problems = [(error as Error).message];
    }
    if (problems.length > 0) {
      const why = `deploy of version ${id} failed: ${problems.join('; ')}`;
      if (replacedId !== undefined) await this.registry.promote(replacedId, `rolled back: ${why}`);
      throw new Error(why);
    }
    await this.registry.announce(id);
    return { detail: { modelVersion: id, artifactBytes: bytes, announced: true } };
  }
}
