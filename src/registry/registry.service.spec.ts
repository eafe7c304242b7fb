import { createHash } from 'node:crypto';
import { ConflictException, NotFoundException } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type {
  ArtifactSource,
  ArtifactHead,
  ModelStage,
  ModelVersion,
  NewModelVersion,
  RegistryRepository,
  StageChange,
} from './registry.repository.js';
import { RegistryService } from './registry.service.js';

interface StoredVersion extends ModelVersion {
  artifact: Uint8Array;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The registry's tables in memory, behind the repository's methods. A transaction works on a copy
 * committed only when it resolves; a method that must run in one refuses any other client.
 */
class InMemoryRegistry implements Pick<RegistryRepository, keyof RegistryRepository> {
  versions: StoredVersion[] = [];
  changes: (StageChange & { id: number })[] = [];
  announced: { id: number; onCommit: boolean }[] = [];
  /** Makes the next `makeProduction` throw this (a conflict with another promotion, say). */
  failMakeProduction?: unknown;
  /** Makes the next `insert` throw this. */
  failInsert?: unknown;
  private open?: { client: PoolClient; announced: { id: number; onCommit: boolean }[] };

  /** Adds a version as it would be after a history of stage changes. */
  seed(stage: ModelStage, fields: Partial<NewModelVersion> & { artifact?: Uint8Array } = {}): number {
    const id = this.versions.length + 1;
    const artifact = fields.artifact ?? new Uint8Array([id, 1, 2, 3]);
    this.versions.push({
      id,
      algorithm: fields.algorithm ?? 'ease',
      params: fields.params ?? { lambda: 100 },
      metrics: fields.metrics ?? { 'ndcg@10': 0.1 },
      dataVersion: fields.dataVersion ?? id,
      pipelineRunId: fields.pipelineRunId ?? id,
      trainingSeconds: fields.trainingSeconds ?? 1,
      artifactBytes: artifact.byteLength,
      artifactSha256: sha256(artifact),
      stage,
      createdAt: new Date(Date.UTC(2026, 0, id)).toISOString(),
      artifact,
    });
    this.changes.push({ id, from: null, to: 'candidate', reason: 'seeded', at: new Date(0).toISOString() });
    return id;
  }

  stageOf(id: number): ModelStage | undefined {
    return this.versions.find((version) => version.id === id)?.stage;
  }

  historyOf(id: number): string[] {
    return this.changes
      .filter((change) => change.id === id)
      .map((change) => `${change.from ?? '-'} → ${change.to}: ${change.reason}`);
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const saved = structuredClone({ versions: this.versions, changes: this.changes });
    this.open = { client: {} as PoolClient, announced: [] };
    try {
      const result = await work(this.open.client);
      this.announced.push(...this.open.announced);
      return result;
    } catch (error) {
      Object.assign(this, saved);
      throw error;
    } finally {
      this.open = undefined;
    }
  }

  private inTransaction(client: PoolClient): void {
    if (!this.open || client !== this.open.client) throw new Error('run outside the transaction');
  }

  private row(id: number): StoredVersion | undefined {
    return this.versions.find((version) => version.id === id);
  }

  private plain({ artifact: _artifact, ...version }: StoredVersion): ModelVersion {
    return version;
  }

  async list(page: number, limit: number): Promise<{ items: ModelVersion[]; total: number }> {
    const newestFirst = [...this.versions].reverse();
    const items = newestFirst.slice((page - 1) * limit, page * limit).map((version) => this.plain(version));
    return { items, total: this.versions.length };
  }

  async find(id: number): Promise<ModelVersion | undefined> {
    const version = this.row(id);
    return version && this.plain(version);
  }

  async history(id: number): Promise<StageChange[]> {
    return this.changes.filter((change) => change.id === id).map(({ id: _id, ...change }) => change);
  }

  async production(): Promise<ModelVersion | undefined> {
    const version = this.versions.find((stored) => stored.stage === 'production');
    return version && this.plain(version);
  }

  // Reads the repository answers in SQL alone: nothing of the service's to test on them.
  async newestDecidedDataVersion(): Promise<number> {
    throw new Error('not used by these tests');
  }

  async summary(): Promise<{ latestTrainingSeconds: number | null; productionNdcg: number | null }> {
    throw new Error('not used by these tests');
  }

  async artifactHead(id: number): Promise<ArtifactHead | undefined> {
    const version = this.row(id);
    return (
      version && {
        size: version.artifact.byteLength,
        sha256: version.artifactSha256,
        algorithm: version.algorithm,
        dataVersion: version.dataVersion,
      }
    );
  }

  async artifactSlice(id: number, offset: number, length: number): Promise<Buffer | undefined> {
    const version = this.row(id);
    return version && Buffer.from(version.artifact.subarray(offset, offset + length));
  }

  async insert(client: PoolClient, version: NewModelVersion, source: ArtifactSource): Promise<number> {
    this.inTransaction(client);
    if (this.failInsert) throw this.failInsert;
    const id = this.versions.length + 1;
    const parts: Uint8Array[] = [];
    for await (const part of source.parts(3)) parts.push(part);
    this.versions.push({
      ...version,
      artifact: Buffer.concat(parts),
      id,
      artifactBytes: source.byteLength,
      artifactSha256: source.sha256,
      stage: 'candidate',
      createdAt: new Date().toISOString(),
    });
    return id;
  }

  async lockStage(client: PoolClient, id: number): Promise<ModelStage | undefined> {
    this.inTransaction(client);
    return this.row(id)?.stage;
  }

  async archiveProduction(client: PoolClient): Promise<number[]> {
    this.inTransaction(client);
    const serving = this.versions.filter((version) => version.stage === 'production');
    for (const version of serving) version.stage = 'archived';
    return serving.map((version) => version.id);
  }

  async makeProduction(client: PoolClient, id: number): Promise<void> {
    this.inTransaction(client);
    if (this.failMakeProduction) throw this.failMakeProduction;
    this.row(id)!.stage = 'production';
  }

  async rejectCandidate(client: PoolClient, id: number): Promise<boolean> {
    this.inTransaction(client);
    const version = this.row(id);
    if (version?.stage !== 'candidate') return false;
    version.stage = 'rejected';
    return true;
  }

  async recordChange(
    client: PoolClient,
    id: number,
    from: ModelStage | null,
    to: ModelStage,
    reason: string,
  ): Promise<void> {
    this.inTransaction(client);
    this.changes.push({ id, from, to, reason, at: new Date().toISOString() });
  }

  async announce(id: number, client?: PoolClient): Promise<void> {
    if (client) {
      this.inTransaction(client);
      this.open!.announced.push({ id, onCommit: true });
    } else this.announced.push({ id, onCommit: false });
  }
}

function registry() {
  const tables = new InMemoryRegistry();
  return { tables, service: new RegistryService(tables as unknown as RegistryRepository) };
}

const trained = (artifact: Uint8Array): NewModelVersion => ({
  algorithm: 'ease',
  params: { lambda: 200 },
  metrics: { 'ndcg@10': 0.12 },
  dataVersion: 7,
  pipelineRunId: 3,
  trainingSeconds: 4.5,
  artifact,
});

describe('RegistryService', () => {
  describe('register', () => {
    it('records a trained version as a candidate with its sha256, its lineage and why', async () => {
      const { tables, service } = registry();
      const artifact = new Uint8Array([9, 8, 7]);
      const id = await service.register(trained(artifact), 'trained by pipeline run 3 on data version 7');
      const version = await service.get(id);
      expect(version).toMatchObject({
        stage: 'candidate',
        algorithm: 'ease',
        dataVersion: 7,
        pipelineRunId: 3,
        artifactBytes: 3,
        artifactSha256: sha256(artifact),
      });
      expect(tables.historyOf(id)).toEqual(['- → candidate: trained by pipeline run 3 on data version 7']);
    });

    it("stores an artifact given as parts (the pipeline's temporary file) with the sha256 it states", async () => {
      const { tables, service } = registry();
      const bytes = new Uint8Array([5, 4, 3, 2, 1]);
      const source = {
        byteLength: bytes.byteLength,
        sha256: sha256(bytes),
        async *parts(partBytes: number) {
          for (let start = 0; start < bytes.byteLength; start += partBytes)
            yield bytes.slice(start, start + partBytes);
        },
      };
      const id = await service.register({ ...trained(bytes), artifact: source }, 'trained');
      expect(await service.get(id)).toMatchObject({ artifactBytes: 5, artifactSha256: sha256(bytes) });
      expect((await service.artifact(id)).bytes).toEqual(bytes);
      expect(tables.historyOf(id)).toEqual(['- → candidate: trained']);
    });

    it('explains an out-of-memory refusal from a server that logs parameters, and records nothing', async () => {
      const { tables, service } = registry();
      const refusal = new Error('invalid memory alloc request size 1200000000');
      tables.failInsert = refusal;
      const error = await service.register(trained(new Uint8Array(10)), 'trained').catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(
        /^invalid memory alloc request size 1200000000: PostgreSQL could not allocate twice the 10-byte artifact.*set log_parameter_max_length/,
      );
      expect((error as Error).cause).toBe(refusal);
      expect(tables.versions).toEqual([]);
      expect(tables.changes).toEqual([]);
    });

    it('passes any other database error on as it is', async () => {
      const { tables, service } = registry();
      const other = new Error('connection terminated');
      tables.failInsert = other;
      await expect(service.register(trained(new Uint8Array(1)), 'trained')).rejects.toBe(other);
    });
  });

  describe('promote', () => {
    it('makes a candidate production, archives the version serving until then and announces the new one on commit', async () => {
      const { tables, service } = registry();
      const serving = tables.seed('production');
      const candidate = tables.seed('candidate');
      await service.promote(candidate, 'within the tolerance');
      expect(tables.stageOf(candidate)).toBe('production');
      expect(tables.stageOf(serving)).toBe('archived');
      expect(tables.historyOf(serving).at(-1)).toBe(
        `production → archived: replaced by version ${candidate}`,
      );
      expect(tables.historyOf(candidate).at(-1)).toBe('candidate → production: within the tolerance');
      expect(tables.announced).toEqual([{ id: candidate, onCommit: true }]);
    });

    it('with announce false, records the promotion but tells no serving process (the deploy stage will)', async () => {
      const { tables, service } = registry();
      const candidate = tables.seed('candidate');
      await service.promote(candidate, 'first version', { announce: false });
      expect(tables.stageOf(candidate)).toBe('production');
      expect(tables.announced).toEqual([]);
    });

    it('rolls back by promoting an archived version again', async () => {
      const { tables, service } = registry();
      const earlier = tables.seed('archived');
      const serving = tables.seed('production');
      await service.promote(earlier, 'rolled back: deploy of version 2 failed');
      expect(tables.stageOf(earlier)).toBe('production');
      expect(tables.stageOf(serving)).toBe('archived');
      expect(tables.historyOf(earlier).at(-1)).toBe(
        'archived → production: rolled back: deploy of version 2 failed',
      );
      expect((await service.production())?.id).toBe(earlier);
    });

    it('changes nothing when the version is already production', async () => {
      const { tables, service } = registry();
      const serving = tables.seed('production');
      await service.promote(serving, 'again');
      expect(tables.stageOf(serving)).toBe('production');
      expect(tables.historyOf(serving)).toEqual(['- → candidate: seeded']);
      expect(tables.announced).toEqual([]);
    });

    it('answers 404 for a version that does not exist, leaving production serving', async () => {
      const { tables, service } = registry();
      const serving = tables.seed('production');
      const error = await service.promote(99, 'by hand').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundException);
      expect((error as Error).message).toBe('model version 99 not found');
      expect(tables.stageOf(serving)).toBe('production');
    });

    it('answers 409 when another version was promoted at the same moment, and undoes its archiving', async () => {
      const { tables, service } = registry();
      const serving = tables.seed('production');
      const candidate = tables.seed('candidate');
      tables.failMakeProduction = Object.assign(new Error('duplicate key'), {
        code: '23505',
        constraint: 'model_versions_production_idx',
      });
      const error = await service.promote(candidate, 'by hand').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictException);
      expect((error as Error).message).toBe(
        `another version was promoted at the same time as version ${candidate}; check GET /admin/models and retry`,
      );
      expect(tables.stageOf(serving)).toBe('production');
      expect(tables.stageOf(candidate)).toBe('candidate');
      expect(tables.announced).toEqual([]);
    });

    it('passes on a unique violation of any other index as it is', async () => {
      const { tables, service } = registry();
      const candidate = tables.seed('candidate');
      const other = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'other_idx' });
      tables.failMakeProduction = other;
      await expect(service.promote(candidate, 'by hand')).rejects.toBe(other);
    });
  });

  describe('reject', () => {
    it('rejects a candidate and records why', async () => {
      const { tables, service } = registry();
      const candidate = tables.seed('candidate');
      await service.reject(candidate, 'NDCG@10 0.0700 is worse than production');
      expect(tables.stageOf(candidate)).toBe('rejected');
      expect(tables.historyOf(candidate).at(-1)).toBe(
        'candidate → rejected: NDCG@10 0.0700 is worse than production',
      );
    });

    it.each(['production', 'archived', 'rejected'] as const)(
      'leaves a %s version as it is, with no stage change recorded',
      async (stage) => {
        const { tables, service } = registry();
        const id = tables.seed(stage);
        await service.reject(id, 'too late');
        expect(tables.stageOf(id)).toBe(stage);
        expect(tables.historyOf(id)).toEqual(['- → candidate: seeded']);
      },
    );
  });

  describe('reading', () => {
    it('lists versions newest first, a page at a time, with the total and no history', async () => {
      const { tables, service } = registry();
      for (let i = 0; i < 5; i++) tables.seed('archived');
      const page = await service.list(2, 2);
      expect(page).toMatchObject({ total: 5, page: 2, limit: 2 });
      expect(page.items.map((version) => [version.id, version.history])).toEqual([
        [3, []],
        [2, []],
      ]);
    });

    it('gives one version with its stage history, oldest first', async () => {
      const { tables, service } = registry();
      const id = tables.seed('candidate');
      await service.promote(id, 'first version');
      const version = await service.get(id);
      expect(version.history.map((change) => [change.from, change.to, change.reason])).toEqual([
        [null, 'candidate', 'seeded'],
        ['candidate', 'production', 'first version'],
      ]);
    });

    it('answers 404 for a version that does not exist', async () => {
      const { service } = registry();
      await expect(service.get(5)).rejects.toThrow(new NotFoundException('model version 5 not found'));
    });

    it('names the production version with its metrics, algorithm and params, or none', async () => {
      const { tables, service } = registry();
      expect(await service.production()).toBeUndefined();
      const id = tables.seed('production', {
        metrics: { 'ndcg@10': 0.2 },
        algorithm: 'item-knn',
        params: { k: 50 },
      });
      expect(await service.production()).toEqual({
        id,
        metrics: { 'ndcg@10': 0.2 },
        algorithm: 'item-knn',
        params: { k: 50 },
      });
    });
  });

  describe('artifact', () => {
    it('reads an artifact larger than one slice back whole, checked against its sha256', async () => {
      const { tables, service } = registry();
      const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => i % 251);
      const id = tables.seed('production', { artifact: bytes, dataVersion: 12 });
      const artifact = await service.artifact(id);
      expect(Buffer.from(artifact.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(artifact).toMatchObject({ sha256: sha256(bytes), algorithm: 'ease', dataVersion: 12 });
    });

    it('refuses an artifact whose bytes no longer match the recorded sha256', async () => {
      const { tables, service } = registry();
      const id = tables.seed('production');
      const recorded = tables.versions[0]!.artifactSha256;
      tables.versions[0]!.artifact = new Uint8Array([0, 0, 0]);
      await expect(service.artifact(id)).rejects.toThrow(
        `model version ${id}: artifact sha256 ${sha256(new Uint8Array(3))} does not match the recorded ${recorded}`,
      );
    });

    it('answers 404 for a version that does not exist', async () => {
      const { service } = registry();
      await expect(service.artifact(4)).rejects.toThrow(new NotFoundException('model version 4 not found'));
    });
  });
});
