import { createHash } from 'node:crypto';

import type { Recommender } from '../model.js';
import { EaseRecommender } from './ease.js';
import { EaseSeqRecommender } from './ease-seq.js';
import { tinyData } from './fixtures.js';
import { GenreKnnRecommender } from './genre-knn.js';
import { GenrePopularityRecommender } from './genre-popularity.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { decodeModel, encodeModel } from './serialization.js';

/**
 * The exact bytes each model writes for one small fit. The lengths and SHA-256 digests were taken
 * from the code before the models declared their stored arrays in one list: a change here means
 * artifacts already written may no longer load the same, so the format must not move without a
 * new magic / version.
 */
const EXPECTED: Record<string, { bytes: number; sha256: string }> = {
  popularity: { bytes: 304, sha256: 'ce88ab9c0227d6f0f62b3f45332e1e2b9c00bba8d0ba67fcf7732ee6cd2e27e3' },
  'item-knn': { bytes: 848, sha256: '398de00749651d5148d612bdfd21343b89d068244a18b2498d972b02d5fc2ade' },
  'genre-knn': { bytes: 816, sha256: 'a5aa07b4210816a2c5e1ee6bb352c973d1aade86a4be99393654c4e51e1b2ef9' },
  'genre-popularity': {
    bytes: 928,
    sha256: '2f4fc63a3a3dfeef5a1ccc78b19d335b98559522a4bf4c6ab0a170188a3d94f8',
  },
  ease: { bytes: 1008, sha256: '262be2b8a19f105270011eeb654b19d9130b98737fc9dbb7122f9a31a615c575' },
  'ease-seq': { bytes: 1504, sha256: 'c63cb31b6cbaf0c8dbe6eb5597b8e142cd8b1e222cdc6a7df2a363e614f648ac' },
};

/** One fitted model per algorithm, with parameters whose powers of 0.5 are exact on every platform. */
function fittedModels(): Record<string, { model: Recommender; load: (bytes: Uint8Array) => Recommender }> {
  const data = tinyData();
  const models = {
    popularity: { model: new PopularityRecommender(), load: PopularityRecommender.deserialize },
    'item-knn': {
      model: new ItemKnnRecommender({ minRatings: 2, weighting: 'binary' }),
      load: ItemKnnRecommender.deserialize,
    },
    'genre-knn': { model: new GenreKnnRecommender(), load: GenreKnnRecommender.deserialize },
    'genre-popularity': {
      model: new GenrePopularityRecommender({ geometry: 'cosine', sharpness: 2, weight: 'count' }),
      load: GenrePopularityRecommender.deserialize,
    },
    ease: {
      model: new EaseRecommender({ lambda: 0.5, minItemCount: 1, cacheSize: 2, recencyHalfLife: 1 }),
      load: EaseRecommender.deserialize,
    },
    'ease-seq': {
      model: new EaseSeqRecommender({
        lambda: 0.5,
        minItemCount: 1,
        window: 2,
        decay: 0.5,
        neighbours: 10,
        recentHalfLife: 1,
        cacheSize: 2,
      }),
      load: EaseSeqRecommender.deserialize,
    },
  };
  for (const { model } of Object.values(models)) model.fit(data);
  return models;
}

// That every model loads its bytes back to the same lists and bytes: recommender-contract.spec.ts.
describe('serialized model bytes', () => {
  const models = Object.entries(fittedModels());

  it.each(models)('%s writes the same bytes as before', (name, { model }) => {
    const bytes = model.serialize();
    expect({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual(
      EXPECTED[name],
    );
  });

  it.each(models.filter(([name]) => name !== 'popularity'))(
    '%s loads an artifact whose stored parameters the checks would now refuse',
    (_, { model, load }) => {
      // Artifacts written before the parameter checks kept whatever they were given.
      const d = decodeModel(model.serialize());
      const params = { ...d.params, lamda: 500, neighbours: -1 };
      const copy = load(encodeModel({ algorithm: d.algorithm, params, meta: d.meta }, d.arrays));
      expect(copy.params).toEqual(params);
      expect(copy.recommend(0, 3, new Set())).toEqual(model.recommend(0, 3, new Set()));
    },
  );
});
