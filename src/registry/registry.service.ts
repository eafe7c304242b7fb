import { createHash } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isOversizedAllocation, isUniqueViolation } from '../common/database-errors.js';
import {
  type ArtifactSource,
  type ModelVersion,
  type NewModelVersion,
  RegistryRepository,
  type StageChange,
} from './registry.repository.js';

export { MODEL_STAGES } from './registry.repository.js';

export interface ModelVersionView extends ModelVersion {
  history: StageChange[];
}

/**
 * How much of an artifact one query reads. Small slices: node-postgres receives a very large row
 * far more slowly per byte than many small ones.
 */
const ARTIFACT_SLICE_BYTES = 1024 * 1024;

/** Model versions: what was trained on which data, how it scored, and which one serves. */
@Injectable()
export class RegistryService {
  constructor(private readonly versions: RegistryRepository) {}

  async list(page: number, limit: number) {
    const { items, total } = await this.versions.list(page, limit);
    return { items: items.map((version) => ({ ...version, history: [] })), total, page, limit };
  }

  async get(id: number): Promise<ModelVersionView> {
    const version = await this.versions.find(id);
    if (!version) throw new NotFoundException(`model version ${id} not found`);
    return { ...version, history: await this.versions.history(id) };
  }

  /** The production version's id, metrics, algorithm and params, if one serves. */
  async production(): Promise<Pick<ModelVersion, 'id' | 'metrics' | 'algorithm' | 'params'> | undefined> {
    const version = await this.versions.production();
    return version
      ? { id: version.id, metrics: version.metrics, algorithm: version.algorithm, params: version.params }
      : undefined;
  }

  /**
   * The newest data version a model was trained on and decided (promoted, archived or rejected);
   * 0 when none. A version left a candidate was cut off before the gate (a crash).
   */
  newestDecidedDataVersion(): Promise<number> {
    return this.versions.newestDecidedDataVersion();
  }

  /** A version's artifact, read back in slices and checked against the sha256 recorded with it. */
  async artifact(
    id: number,
  ): Promise<{ bytes: Uint8Array; sha256: string; algorithm: string; dataVersion: number }> {
    const head = await this.versions.artifactHead(id);
    if (!head) throw new NotFoundException(`model version ${id} not found`);
    const bytes = new Uint8Array(head.size);
    const hash = createHash('sha256');
    // In slices (the column is stored uncompressed, so each reads only its own part): a bytea comes
    // back as hex text, and a whole large artifact's would pass the longest string V8 can hold.
    for (let offset = 0; offset < head.size; offset += ARTIFACT_SLICE_BYTES) {
      const part = await this.versions.artifactSlice(id, offset, ARTIFACT_SLICE_BYTES);
      if (!part) throw new NotFoundException(`model version ${id} not found`);
      bytes.set(part, offset);
      hash.update(part);
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== head.sha256) {
      throw new Error(
        `model version ${id}: artifact sha256 ${sha256} does not match the recorded ${head.sha256}`,
      );
    }
    return { bytes, sha256, algorithm: head.algorithm, dataVersion: head.dataVersion };
  }

  /** Records a trained version as a candidate. */
  async register(version: NewModelVersion, reason: string): Promise<number> {
    const artifact = version.artifact instanceof Uint8Array ? inMemory(version.artifact) : version.artifact;
    return this.versions
      .transaction(async (client) => {
        const id = await this.versions.insert(client, version, artifact);
        await this.versions.recordChange(client, id, null, 'candidate', reason);
        return id;
      })
      .catch((error: Error) => {
        if (!isOversizedAllocation(error)) throw error;
        throw new Error(
          `${error.message}: PostgreSQL could not allocate twice the ${version.artifact.byteLength}-byte artifact, as a ` +
            'server that logs statements with their parameters (log_min_duration_statement on) does to write it as hex; ' +
            'set log_parameter_max_length (e.g. 1024) there, or lower MODEL_PARAMS maxItems or cacheSize',
          { cause: error },
        );
      });
  }

  /**
   * Makes a version production (the one serving is archived) and, unless `announce` is false,
   * announces it to every serving process; any earlier version may be promoted again, which is how
   * a rollback is done. The pipeline announces in its deploy stage, once the artifact is checked.
   */
  async promote(id: number, reason: string, { announce = true } = {}): Promise<void> {
    try {
      await this.promoteInTransaction(id, reason, announce);
    } catch (error) {
      // Two promotions of different versions at once: each archives the production version it
      // saw, and the later commit then finds another one production (the partial unique index).
      if (!isUniqueViolation(error, 'model_versions_production_idx')) throw error;
      throw new ConflictException(
        `another version was promoted at the same time as version ${id}; check GET /admin/models and retry`,
      );
    }
  }

  private async promoteInTransaction(id: number, reason: string, announce: boolean): Promise<void> {
    await this.versions.transaction(async (client) => {
      const stage = await this.versions.lockStage(client, id);
      if (!stage) throw new NotFoundException(`model version ${id} not found`);
      if (stage === 'production') return;
      for (const old of await this.versions.archiveProduction(client)) {
        await this.versions.recordChange(client, old, 'production', 'archived', `replaced by version ${id}`);
      }
      await this.versions.makeProduction(client, id);
      await this.versions.recordChange(client, id, stage, 'production', reason);
      if (announce) await this.versions.announce(id, client);
    });
  }

  /** Tells every serving process to load version `id` (it loads whatever is production). */
  async announce(id: number): Promise<void> {
    await this.versions.announce(id);
  }

  /** Rejects a candidate; a version out of the candidate stage is left as it is. */
  async reject(id: number, reason: string): Promise<void> {
    await this.versions.transaction(async (client) => {
      if (await this.versions.rejectCandidate(client, id)) {
        await this.versions.recordChange(client, id, 'candidate', 'rejected', reason);
      }
    });
  }
}

/** Bytes in memory as an ArtifactSource. */
function inMemory(bytes: Uint8Array): ArtifactSource {
  return {
    byteLength: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    async *parts(partBytes) {
      for (let start = 0; start < bytes.byteLength; start += partBytes)
        yield bytes.subarray(start, start + partBytes);
    },
  };
}
