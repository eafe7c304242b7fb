import { seenOf, tinyData } from './fixtures.js';
import { ITEM_KNN_DEFAULTS, itemKnnParamProblems, ItemKnnRecommender } from './item-knn.js';

// Binary columns (users who rated each item): i0 {0,1,2}, i1 {0,1,3}, i2 {0,2}, i3 {1}, i4 {3}.
const S01 = 2 / 3; // |{0,1}| / √(3·3)
const S02 = 2 / Math.sqrt(6);
const S03 = 1 / Math.sqrt(3);
const S12 = 1 / Math.sqrt(6);
const S13 = 1 / Math.sqrt(3);
const S14 = 1 / Math.sqrt(3);

// What every model does (k, exclusions, seen items, unknown users, serialization, refusing parameters):
// recommender-contract.spec.ts.
describe('ItemKnnRecommender', () => {
  const data = tinyData();
  const model = new ItemKnnRecommender({ minRatings: 2, weighting: 'binary' });
  model.fit(data);

  it('keeps the cosine neighbours of each item, best first, ties by index, zeros dropped', () => {
    const n0 = model.neighboursOf(0);
    expect(Array.from(n0.items)).toEqual([2, 1, 3]);
    expect(Array.from(n0.sims)).toEqual([S02, S01, S03].map(Math.fround));
    const n1 = model.neighboursOf(1);
    expect(Array.from(n1.items)).toEqual([0, 3, 4, 2]);
    expect(Array.from(n1.sims)).toEqual([S01, S13, S14, S12].map(Math.fround));
    expect(Array.from(model.neighboursOf(4).items)).toEqual([1]);
  });

  it('keeps only `neighbours` per item', () => {
    const small = new ItemKnnRecommender({ neighbours: 2, weighting: 'binary' });
    small.fit(data);
    expect(Array.from(small.neighboursOf(1).items)).toEqual([0, 3]);
  });

  it('scores a user by summed similarity to their items, fills from popularity, never seen items', () => {
    // u2 has i0, i2: i1 = S01 + S12, i3 = S03, i4 untouched → popularity fill.
    const recs = model.recommend(2, 3, seenOf(data, 2));
    expect(Array.from(recs.items)).toEqual([1, 3, 4]);
    expect(recs.scores[0]).toBeCloseTo(S01 + S12, 6);
    expect(recs.scores[1]).toBeCloseTo(S03, 6);
  });

  it('explains each item by the user item it is most similar to', () => {
    // u2 rated i0, i2. i1's neighbours [0, 3, 4, 2] → i0; i4's only neighbour i1 is not u2's.
    expect(Array.from(model.becauseOf(2, Int32Array.from([1, 4])))).toEqual([0, -1]);
    // A rating sent after training counts too.
    expect(Array.from(model.becauseOf(2, Int32Array.from([4]), [1]))).toEqual([1]);
    expect(Array.from(model.becauseOf(42, Int32Array.from([1])))).toEqual([-1]);
  });

  it('scores someone the model has not seen from the items they rated since', () => {
    // The same items as u2 (i0, i2) give u2's list; i3 excluded leaves i1 then the fill.
    expect(Array.from(model.recommendForItems([0, 2], 3, new Set()).items)).toEqual([1, 3, 4]);
    expect(Array.from(model.recommendForItems([0, 2], 2, new Set([3])).items)).toEqual([1, 4]);
  });

  it('lists similar items from co-ratings, padded with genre neighbours', () => {
    const similar = model.similarItems(0, 4);
    expect(similar.source).toBe('collaborative');
    // i4 shares Action with i0 (Action+Comedy): Jaccard 1/3, the only item left.
    expect(Array.from(similar.items)).toEqual([2, 1, 3, 4]);
    expect(similar.scores[3]!).toBeLessThanOrEqual(similar.scores[2]!);
    expect(Array.from(model.similarItems(0, 2, new Set([2])).items)).toEqual([1, 3]);
  });

  it('falls back to genre Jaccard (ties by popularity) below minRatings', () => {
    // i3 (Comedy) has one rating: i0 (Action+Comedy) has Jaccard 1/2, the rest 0 → popularity.
    const similar = model.similarItems(3, 4);
    expect(similar.source).toBe('content');
    expect(Array.from(similar.items)).toEqual([0, 1, 2, 4]);
    expect(Array.from(similar.scores)).toEqual([0.5, 0, 0, 0]);
    expect(model.similarItems(99, 3).items).toHaveLength(0);
  });

  it('lists the same similar items after serialize → deserialize', () => {
    const copy = ItemKnnRecommender.deserialize(model.serialize());
    for (let i = 0; i < 5; i++) expect(copy.similarItems(i, 3)).toEqual(model.similarItems(i, 3));
  });

  it('can weight the columns by rating', () => {
    const rated = new ItemKnnRecommender({ weighting: 'rating' });
    rated.fit(data);
    // i0 (5,4,3 for u0,u1,u2) · i2 (3 for u0, 4 for u2) = 15 + 12; norms √50 and 5.
    const n0 = rated.neighboursOf(0);
    expect(n0.items[0]).toBe(2);
    expect(n0.sims[0]).toBeCloseTo(27 / (Math.sqrt(50) * 5), 6);
  });
});

describe('itemKnnParamProblems', () => {
  it('accepts the defaults, a good set and no parameters', () => {
    expect(itemKnnParamProblems(ITEM_KNN_DEFAULTS)).toEqual([]);
    expect(itemKnnParamProblems({ neighbours: 1, minRatings: 0, weighting: 'binary' })).toEqual([]);
    expect(itemKnnParamProblems({})).toEqual([]);
  });

  it('names an unknown parameter', () => {
    expect(itemKnnParamProblems({ k: 20 })).toEqual([
      'unknown parameter k (known: neighbours, minRatings, weighting)',
    ]);
  });

  it('rejects negative, zero, fractional and NaN counts', () => {
    expect(itemKnnParamProblems({ neighbours: 0, minRatings: -1 })).toEqual([
      'neighbours must be an integer >= 1, got 0',
      'minRatings must be an integer >= 0, got -1',
    ]);
    expect(itemKnnParamProblems({ neighbours: 2.5, minRatings: NaN })).toEqual([
      'neighbours must be an integer >= 1, got 2.5',
      'minRatings must be a finite number, got NaN',
    ]);
  });

  it('rejects a weighting that is not one of its values', () => {
    expect(itemKnnParamProblems({ weighting: 'cosine' })).toEqual([
      'weighting must be one of "binary", "rating", got "cosine"',
    ]);
    expect(itemKnnParamProblems({ weighting: 1 })).toEqual([
      'weighting must be one of "binary", "rating", got 1',
    ]);
  });

  it('reports the defaults beside the parameters it was given', () => {
    expect(new ItemKnnRecommender({ neighbours: 20 }).params).toEqual({
      ...ITEM_KNN_DEFAULTS,
      neighbours: 20,
    });
  });
});
