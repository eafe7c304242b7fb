import pg from 'pg';
import { DataSource } from 'typeorm';
import { PROMOTION_CHANNEL } from '../src/database/channels.js';
import { ARTIFACT_PART_BYTES, RegistryRepository } from '../src/registry/registry.repository.js';
import { RegistryService } from '../src/registry/registry.service.js';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV } from './support/auth.js';

describe('admin: model registry', () => {
  let t: TestApp;
  let token: string;
  let listener: pg.Client;
  const notified: string[] = [];
  const promote = (id: number, reason?: string) =>
    t.http
      .post(`/admin/models/${id}/promote`)
      .auth(token, { type: 'bearer' })
      .send(reason ? { reason } : {});

  beforeAll(async () => {
    t = await bootApp(AUTH_ENV);
    token = await adminToken(t);
    await loadAll(t);
    const registry = t.app.get(RegistryService);
    for (const ndcg of [0.1, 0.11, 0.09]) {
      await registry.register(
        {
          algorithm: 'popularity',
          params: { k: ndcg },
          metrics: { 'ndcg@10': ndcg },
          dataVersion: 1,
          pipelineRunId: 1,
          trainingSeconds: 0.5,
          artifact: new TextEncoder().encode(`model ${ndcg}`),
        },
        'trained by run 1',
      );
    }
    listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    listener.on('notification', (message) => notified.push(message.payload ?? ''));
    await listener.query(`LISTEN ${PROMOTION_CHANNEL}`);
  });
  afterAll(async () => {
    await listener.end();
    await t.close();
  });

  it('lists the versions, newest first, with their metrics and artifact size', async () => {
    const { body } = await t.http.get('/admin/models').auth(token, { type: 'bearer' }).expect(200);
    expect(body.total).toBe(3);
    expect(body.items.map((v: { id: number; stage: string }) => `${v.id}:${v.stage}`)).toEqual([
      '3:candidate',
      '2:candidate',
      '1:candidate',
    ]);
    expect(body.items[2]).toMatchObject({ metrics: { 'ndcg@10': 0.1 }, artifactBytes: 9, dataVersion: 1 });
  });

  it('promotes a version, archiving the one that served, and announces it', async () => {
    await promote(1).expect(201);
    const { body } = await promote(2, 'better NDCG').expect(201);
    expect(body).toMatchObject({ id: 2, stage: 'production' });
    expect(body.history.map((c: { to: string; reason: string }) => `${c.to}: ${c.reason}`)).toEqual([
      'candidate: trained by run 1',
      'production: promoted by admin: better NDCG',
    ]);
    const { body: first } = await t.http.get('/admin/models/1').auth(token, { type: 'bearer' }).expect(200);
    expect(first.stage).toBe('archived');
    expect(first.history.at(-1)).toMatchObject({
      from: 'production',
      to: 'archived',
      reason: 'replaced by version 2',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notified).toEqual(['1', '2']);
  });

  it('rolls back by promoting an earlier version again', async () => {
    await promote(1, 'roll back').expect(201);
    const [production] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM model_versions WHERE stage = 'production'`);
    expect(production.id).toBe(1);
  });

  it('checks the artifact against its sha256', async () => {
    const registry = t.app.get(RegistryService);
    expect(new TextDecoder().decode((await registry.artifact(3)).bytes)).toBe('model 0.09');
    await t.app
      .get(DataSource)
      .query(`UPDATE model_artifact_parts SET bytes = 'tampered' WHERE model_version_id = 3`);
    await expect(registry.artifact(3)).rejects.toThrow(/artifact sha256 .* does not match/);
  });

  it('stores an artifact in parts of 64 MiB and reads it back whole, whatever the slices', async () => {
    const registry = t.app.get(RegistryService);
    const artifact = new Uint8Array(ARTIFACT_PART_BYTES + 1000);
    for (let i = 0; i < artifact.length; i += 997) artifact[i] = (i / 997) % 251;
    const id = await registry.register(
      {
        algorithm: 'popularity',
        params: {},
        metrics: { 'ndcg@10': 0.01 },
        dataVersion: 1,
        pipelineRunId: 1,
        trainingSeconds: 0.5,
        artifact,
      },
      'two parts',
    );
    const parts = await t.app
      .get(DataSource)
      .query(
        'SELECT start_byte, octet_length(bytes) AS size FROM model_artifact_parts WHERE model_version_id = $1 ORDER BY start_byte',
        [id],
      );
    expect(parts).toEqual([
      { start_byte: '0', size: ARTIFACT_PART_BYTES },
      { start_byte: String(ARTIFACT_PART_BYTES), size: 1000 },
    ]);
    expect(Buffer.from((await registry.artifact(id)).bytes).equals(Buffer.from(artifact))).toBe(true);
    // a slice across the two parts, and one past the end
    const repository = t.app.get(RegistryRepository);
    const across = await repository.artifactSlice(id, ARTIFACT_PART_BYTES - 3000, 5000);
    expect(
      across?.equals(Buffer.from(artifact.subarray(ARTIFACT_PART_BYTES - 3000, ARTIFACT_PART_BYTES + 1000))),
    ).toBe(true);
    expect(await repository.artifactSlice(id, artifact.length + 5, 10)).toEqual(Buffer.alloc(0));
    expect(await repository.artifactSlice(9999, 0, 10)).toBeUndefined();
    await t.app.get(DataSource).query('DELETE FROM model_versions WHERE id = $1', [id]);
  });

  it('answers 404 for an unknown version and keeps promotion behind models:write', async () => {
    await t.http.get('/admin/models/99').auth(token, { type: 'bearer' }).expect(404);
    await promote(99).expect(404);
    const readOnly = await adminToken(t, 'models:read');
    await t.http.post('/admin/models/2/promote').auth(readOnly, { type: 'bearer' }).expect(403);
  });
});
