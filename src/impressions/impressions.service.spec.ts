import type { HttpAdapterHost } from '@nestjs/core';
import { Counter, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import type { ImpressionMetrics } from './impression-metrics.js';
import type { HitCheck, ImpressionRow, ImpressionsRepository } from './impressions.repository.js';
import { ImpressionsService, type ServedList } from './impressions.service.js';

/** The repository in memory: what was written, and a switch to make writes fail. */
class FakeRepository {
  inserts: ImpressionRow[][] = [];
  checks: HitCheck[][] = [];
  hits: { modelVersion: number; path: string }[] = [];
  failing = false;
  pruned: { before: number; maxRows: number }[] = [];

  async insert(rows: readonly ImpressionRow[]): Promise<void> {
    if (this.failing) throw new Error('connection refused');
    this.inserts.push([...rows]);
  }

  async markHits(checks: readonly HitCheck[]): Promise<{ modelVersion: number; path: string }[]> {
    if (this.failing) throw new Error('connection refused');
    this.checks.push([...checks]);
    return this.hits;
  }

  async prune(before: number, maxRows: number) {
    if (this.failing) throw new Error('connection refused');
    this.pruned.push({ before, maxRows });
    return { expired: 0, overBound: 0 };
  }

  get written(): ImpressionRow[] {
    return this.inserts.flat();
  }
}

function setUp(env: Record<string, string> = {}) {
  const registry = new Registry();
  const counter = <L extends string>(name: string, labelNames: L[]) =>
    new Counter<L>({ name, help: name, labelNames, registers: [registry] });
  const metrics = {
    served: counter('served', ['version', 'path', 'endpoint']),
    hits: counter('hits', ['version', 'path']),
    dropped: counter('dropped', ['queue', 'reason']),
    writeFailures: counter('write_failures', []),
  };
  const repository = new FakeRepository();
  const service = new ImpressionsService(
    repository as unknown as ImpressionsRepository,
    metrics as ImpressionMetrics,
    AppConfig.fromEnvironment({}, env),
    { httpAdapter: undefined } as unknown as HttpAdapterHost,
  );
  /** Counter values by their labels joined with commas, e.g. `3,returning,user`. */
  const values = async (metric: Counter<string>) =>
    Object.fromEntries(
      (await metric.get()).values.map((v) => [Object.values(v.labels).join(',') || '-', v.value]),
    );
  return { service, repository, metrics, values };
}

const list = (modelVersion: number, path: string, movieIds: number[]): ServedList => ({
  modelVersion,
  path,
  items: movieIds.map((movieId) => ({ movieId })),
});

describe('ImpressionsService', () => {
  it('gives each list its own id and writes what was served, to whom, on flush', async () => {
    const { service, repository, metrics, values } = setUp();
    const before = Date.now();
    const a = service.record(list(3, 'returning', [356, 1, 50]), { endpoint: 'user', userId: 7 });
    const b = service.record(list(3, 'similar', [2, 3]), { endpoint: 'similar' });
    const c = service.record(list(3, 'taste', [5]), { endpoint: 'taste' });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Nothing is written on the request path.
    expect(repository.written).toEqual([]);
    await service.flush();
    expect(repository.written).toEqual([
      {
        listId: a,
        userId: 7,
        endpoint: 'user',
        modelVersion: 3,
        path: 'returning',
        movieIds: [356, 1, 50],
        servedAt: expect.any(Number),
      },
      expect.objectContaining({
        listId: b,
        userId: null,
        endpoint: 'similar',
        path: 'similar',
        movieIds: [2, 3],
      }),
      expect.objectContaining({ listId: c, userId: null, endpoint: 'taste', path: 'taste', movieIds: [5] }),
    ]);
    expect(repository.written[0]!.servedAt).toBeGreaterThanOrEqual(before);
    expect(await values(metrics.served)).toEqual({
      '3,returning,user': 1,
      '3,similar,similar': 1,
      '3,taste,taste': 1,
    });
    // A user's list makes its hits series exist, at 0, for the hit rate to read 0 rather than nothing.
    expect(await values(metrics.hits)).toEqual({ '3,returning': 0 });
    await service.flush();
    expect(repository.inserts).toHaveLength(1);
  });

  it('drops and counts new impressions when the buffer is full, never blocking', async () => {
    const { service, repository, metrics, values } = setUp({ IMPRESSIONS_BUFFER_ROWS: '100' });
    const ids = Array.from({ length: 103 }, (_, i) =>
      service.record(list(1, 'fallback', [i]), { endpoint: 'user', userId: i + 1 }),
    );
    expect(new Set(ids).size).toBe(103);
    expect(await values(metrics.dropped)).toEqual({ 'impressions,buffer-full': 3 });
    await service.flush();
    expect(await values(metrics.served)).toEqual({ '1,fallback,user': 100 });
    expect(repository.written.map((row) => row.movieIds[0])).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    // Room again once written.
    service.record(list(1, 'fallback', [1]), { endpoint: 'user', userId: 1 });
    await service.flush();
    expect(repository.written).toHaveLength(101);
  });

  it('writes in batches by itself once enough lists wait, at most 5,000 rows a statement', async () => {
    const { service, repository } = setUp();
    for (let i = 0; i < 999; i++) service.record(list(1, 'similar', [i]), { endpoint: 'similar' });
    expect(repository.inserts).toHaveLength(0);
    service.record(list(1, 'similar', [999]), { endpoint: 'similar' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(repository.inserts.map((rows) => rows.length)).toEqual([1000]);
    for (let i = 0; i < 12_000; i++) service.record(list(1, 'similar', [i]), { endpoint: 'similar' });
    await service.flush();
    expect(repository.written).toHaveLength(13_000);
    expect(Math.max(...repository.inserts.map((rows) => rows.length))).toBeLessThanOrEqual(5000);
  });

  it('logs, counts and drops a failed write, then writes the next ones', async () => {
    const { service, repository, metrics, values } = setUp();
    repository.failing = true;
    service.record(list(2, 'session', [1, 2]), { endpoint: 'user', userId: 1 });
    service.record(list(2, 'session', [3]), { endpoint: 'user', userId: 2 });
    service.rated(1, 2, 5);
    await expect(service.flush({ allHitChecks: true })).resolves.toBeUndefined();
    expect(await values(metrics.writeFailures)).toEqual({ '-': 2 });
    // Counted as dropped, not as recorded.
    expect(await values(metrics.served)).toEqual({});
    expect(await values(metrics.dropped)).toEqual({
      'impressions,write-failed': 2,
      'hit-checks,write-failed': 1,
    });
    repository.failing = false;
    service.record(list(2, 'session', [4]), { endpoint: 'user', userId: 3 });
    await service.flush();
    expect(repository.written.map((row) => row.userId)).toEqual([3]);
    expect(await values(metrics.served)).toEqual({ '2,session,user': 1 });
  });

  it('checks ratings >= 4 only, a few seconds after they arrive, and counts the hits marked', async () => {
    const { service, repository, metrics, values } = setUp();
    service.record(list(4, 'returning', [10, 11]), { endpoint: 'user', userId: 9 });
    service.rated(9, 10, 3.5);
    service.rated(9, 11, 4);
    // A list served just before the rating may still wait in another replica's buffer.
    await service.flush();
    expect(repository.checks).toEqual([]);
    repository.hits = [{ modelVersion: 4, path: 'returning' }];
    await service.flush({ allHitChecks: true });
    expect(repository.checks).toEqual([[{ userId: 9, movieId: 11, ratedAt: expect.any(Number) }]]);
    expect(await values(metrics.hits)).toEqual({ '4,returning': 1 });
    // Each check is made once.
    await service.flush({ allHitChecks: true });
    expect(repository.checks).toHaveLength(1);
  });

  it('with IMPRESSIONS=false still gives list ids but records and counts nothing', async () => {
    const { service, repository, metrics, values } = setUp({ IMPRESSIONS: 'false' });
    expect(service.record(list(1, 'returning', [1]), { endpoint: 'user', userId: 1 })).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    service.rated(1, 1, 5);
    await service.flush({ allHitChecks: true });
    expect(repository.inserts).toEqual([]);
    expect(repository.checks).toEqual([]);
    expect(await values(metrics.served)).toEqual({});
  });

  it('prunes by the retention and the row bound; a failed prune is logged, not thrown', async () => {
    const { service, repository } = setUp({ IMPRESSIONS_RETENTION_DAYS: '7', IMPRESSIONS_MAX_ROWS: '2000' });
    const now = Date.parse('2026-11-26T12:00:00Z');
    await service.prune(now);
    expect(repository.pruned).toEqual([{ before: Date.parse('2026-11-19T12:00:00Z'), maxRows: 2000 }]);
    repository.failing = true;
    await expect(service.prune(now)).resolves.toBeUndefined();
  });
});
