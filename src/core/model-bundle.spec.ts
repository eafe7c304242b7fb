import { GENRE_COUNT } from './algorithms/common.js';
import type { EaseRecommender } from './algorithms/ease.js';
import { tinyData } from './algorithms/fixtures.js';
import { GenreKnnRecommender } from './algorithms/genre-knn.js';
import {
  checkBundle,
  deserializeBundle,
  encodeBundle,
  fitBundle,
  fitBundleModels,
  fullBundleParams,
  lastRatingTimes,
  pathSpec,
  serializeBundle,
  SESSION_WEIGHT_SEARCH_USERS,
} from './model-bundle.js';
import { EASE_SEQ_DEFAULTS } from './algorithms/ease-seq.js';
import { shareInteractions } from './interactions.js';

const none = new Set<number>();

describe('model bundle', () => {
  const bundle = fitBundle(tinyData(), { minItemCount: 1 });

  it("serves ease-seq in session and EASE to returning users, with each user's newest rating time", () => {
    expect(bundle.session.algorithm).toBe('ease-seq');
    expect(bundle.returning.algorithm).toBe('ease');
    expect(bundle.returning.params).toMatchObject({ relativeLambda: 20, minItemCount: 1 });
    // tinyData's times: users 0–3 last rated at 3, 3, 2 and 2 seconds.
    expect(Array.from(bundle.lastRated)).toEqual([3, 3, 2, 2]);
    expect(checkBundle(bundle)).toEqual([]);
  });

  it('round-trips through bytes, both paths answering as before', () => {
    const loaded = deserializeBundle(serializeBundle(bundle));
    expect(Array.from(loaded.lastRated)).toEqual(Array.from(bundle.lastRated));
    for (const path of ['session', 'returning'] as const) {
      expect(Array.from(loaded[path].recommend(0, 3, none).items)).toEqual(
        Array.from(bundle[path].recommend(0, 3, none).items),
      );
    }
  });

  it('is the same bytes when its models are fitted apart on a shared matrix (as the training workers do) and put together', () => {
    const data = shareInteractions(tinyData());
    const params = { minItemCount: 1 };
    const apart = {
      ...fitBundleModels(data, params, ['session']).models,
      ...fitBundleModels(data, params, ['returning', 'similar', 'popular', 'taste']).models,
    };
    const together = encodeBundle({
      models: apart as Parameters<typeof encodeBundle>[0]['models'],
      userIds: data.userIds,
      itemIds: data.itemIds,
      lastRated: lastRatingTimes(data),
    });
    expect(Buffer.from(together).equals(Buffer.from(serializeBundle(bundle)))).toBe(true);
  });

  it('loads a bundle written before the returning path, serving its one model on both paths', () => {
    // The old layout: the parts back to back, with no alignment and no returning path.
    const ids = (array: Int32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const parts = [
      bundle.session.serialize(),
      bundle.similar.serialize(),
      bundle.popular.serialize(),
      bundle.taste.serialize(),
      ids(bundle.userIds),
      ids(bundle.itemIds),
    ];
    const header = new TextEncoder().encode(JSON.stringify({ sizes: parts.map((part) => part.length) }));
    const old = new Uint8Array(4 + header.length + parts.reduce((sum, part) => sum + part.length, 0));
    new DataView(old.buffer).setUint32(0, header.length, true);
    old.set(header, 4);
    let offset = 4 + header.length;
    for (const part of parts) {
      old.set(part, offset);
      offset += part.length;
    }
    const loaded = deserializeBundle(old);
    expect(loaded.returning).toBe(loaded.session);
    expect(loaded.lastRated.every((t) => t === Number.NEGATIVE_INFINITY)).toBe(true);
    expect(checkBundle(loaded)).toEqual([]);
  });

  it('answers a genre taste with genre popularity, and loads a bundle whose taste model is genre KNN', () => {
    expect(bundle.taste.algorithm).toBe('genre-popularity');
    const older = new GenreKnnRecommender();
    older.fit(tinyData());
    older.forgetUsers();
    const models = {
      session: bundle.session.serialize(),
      returning: bundle.returning.serialize(),
      similar: bundle.similar.serialize(),
      popular: bundle.popular.serialize(),
      taste: older.serialize(),
    };
    const loaded = deserializeBundle(
      encodeBundle({ models, userIds: bundle.userIds, itemIds: bundle.itemIds, lastRated: bundle.lastRated }),
    );
    expect(loaded.taste.algorithm).toBe('genre-knn');
    const action = new Float32Array(GENRE_COUNT).fill(0);
    action[0] = 1;
    expect(loaded.taste.recommendForTaste(action, 3, none)).toEqual(older.recommendForTaste(action, 3, none));
    expect(checkBundle(loaded)).toEqual([]);
  });

  it('caps both known-user models by maxItems and refuses a fit over memoryBudgetMB', () => {
    const capped = fitBundle(tinyData(), { minItemCount: 1, maxItems: 2 });
    expect(capped.session.params).toMatchObject({ maxItems: 2 });
    expect(capped.returning.params).toMatchObject({ relativeLambda: 20, maxItems: 2 });
    expect((capped.returning as EaseRecommender).keptItems).toBe(2);
    expect(checkBundle(capped)).toEqual([]);
    const loaded = deserializeBundle(serializeBundle(capped));
    expect(loaded.returning.params).toEqual(capped.returning.params);
    expect(() => fitBundle(tinyData(), { minItemCount: 1, memoryBudgetMB: 0.0001 })).toThrow(
      /^EASE cannot fit 5 items within its memory budget: .* raise memoryBudgetMB$/,
    );
  });

  it("searches the session model's weight and takes a relative λ unless they are given, as versions record it", () => {
    const session = (params: Record<string, number>) => pathSpec('session-aware', params, 'session').params;
    const defaults = { weightSearchUsers: SESSION_WEIGHT_SEARCH_USERS, relativeLambda: 10 };
    expect(session({})).toEqual(defaults);
    expect(session({ weightSearchUsers: 500 })).toEqual({ ...defaults, weightSearchUsers: 500 });
    // The operator's weight and λ win; versions registered before the search recorded theirs.
    expect(session({ weight: 0.3, lambda: 250 })).toEqual({ weight: 0.3, lambda: 250 });
    expect(session({ relativeLambda: 0 })).toEqual({ ...defaults, relativeLambda: 0 });
    expect(session(fullBundleParams({ weight: 0.3 }))).not.toHaveProperty('weightSearchUsers');
    expect(session(fullBundleParams({ weightSearchUsers: 0 }))).toMatchObject({ weight: 0.5 });
    expect(session(fullBundleParams({ lambda: 100 }))).not.toHaveProperty('relativeLambda');
    // A registered version's parameters score what it served: the search, not a weight.
    const full = fullBundleParams({ minItemCount: 3 });
    const { weight: _weight, lambda: _lambda, ...rest } = EASE_SEQ_DEFAULTS;
    expect(full).toStrictEqual({ ...rest, ...defaults, minItemCount: 3, returningRelativeLambda: 20 });
    expect(session(full)).toMatchObject({ ...defaults, minItemCount: 3 });
    expect(pathSpec('session-aware', full, 'returning').params).toEqual({
      relativeLambda: 20,
      minItemCount: 3,
      cacheSize: EASE_SEQ_DEFAULTS.cacheSize,
    });
  });

  it('reports the weight its session model chose', () => {
    const data = tinyData();
    // tinyData's users have fewer than 5 ratings each: nobody to hold out, the default weight stays.
    expect(fitBundleModels(data, {}, ['session']).weightSearch).toMatchObject({ weight: 0.5, trials: [] });
    expect(fitBundleModels(data, { weight: 0.2 }, ['session']).weightSearch).toBeUndefined();
    expect(fitBundleModels(data, {}, ['similar']).weightSearch).toBeUndefined();
  });

  it('tells each protocol which model a version serves on its path', () => {
    expect(
      pathSpec('session-aware', { lambda: 250, returningLambda: 80, minItemCount: 3 }, 'session'),
    ).toEqual({
      algorithm: 'ease-seq',
      params: { lambda: 250, minItemCount: 3, weightSearchUsers: 3000 },
    });
    expect(
      pathSpec('session-aware', { lambda: 250, returningLambda: 80, minItemCount: 3 }, 'returning'),
    ).toEqual({
      algorithm: 'ease',
      params: { lambda: 80, minItemCount: 3 },
    });
    expect(pathSpec('session-aware', { returningRelativeLambda: 5 }, 'returning')).toEqual({
      algorithm: 'ease',
      params: { relativeLambda: 5 },
    });
    // The size guards bound both EASE fits alike.
    const bounded = { lambda: 250, cacheSize: 50, maxItems: 8000, memoryBudgetMB: 2048 };
    expect(pathSpec('session-aware', bounded, 'returning')).toEqual({
      algorithm: 'ease',
      params: { relativeLambda: 20, cacheSize: 50, maxItems: 8000, memoryBudgetMB: 2048 },
    });
    expect(pathSpec('session-aware', bounded, 'session')).toEqual({
      algorithm: 'ease-seq',
      params: { ...bounded, weightSearchUsers: 3000 },
    });
    expect(pathSpec('ease-seq', { lambda: 250 }, 'returning')).toEqual({
      algorithm: 'ease-seq',
      params: { lambda: 250 },
    });
  });
});
