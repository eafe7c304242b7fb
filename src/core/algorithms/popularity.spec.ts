import { tinyData } from './fixtures.js';
import { popularityParamProblems, type PopularityParams, PopularityRecommender } from './popularity.js';

describe('PopularityRecommender', () => {
  const model = new PopularityRecommender();
  model.fit(tinyData());

  it('ranks by interactions, ties by mean rating', () => {
    const recs = model.recommend(0, 5, new Set());
    expect(Array.from(recs.items)).toEqual([1, 0, 2, 3, 4]);
    expect(Array.from(recs.scores)).toEqual([3, 3, 2, 1, 1]);
  });

  it('never returns an excluded item', () => {
    expect(Array.from(model.recommend(0, 3, new Set([1, 2])).items)).toEqual([0, 3, 4]);
  });

  it('returns every candidate when k is larger, and nothing for k <= 0', () => {
    expect(Array.from(model.recommend(0, 50, new Set([0])).items)).toEqual([1, 2, 3, 4]);
    expect(model.recommend(0, 0, new Set()).items).toHaveLength(0);
    expect(model.recommend(0, -3, new Set()).items).toHaveLength(0);
  });

  it('answers an unknown user with the same list (cold start)', () => {
    expect(Array.from(model.recommend(999, 2, new Set()).items)).toEqual([1, 0]);
    expect(Array.from(model.recommend(-1, 2, new Set()).items)).toEqual([1, 0]);
  });

  it('recommends the same after serialize → deserialize', () => {
    const copy = PopularityRecommender.deserialize(model.serialize());
    expect(copy.recommend(2, 4, new Set([0]))).toEqual(model.recommend(2, 4, new Set([0])));
    expect(Array.from(copy.ranking())).toEqual([1, 0, 2, 3, 4]);
  });
});

describe('popularityParamProblems', () => {
  it('accepts no parameters', () => {
    expect(popularityParamProblems({})).toEqual([]);
    expect(new PopularityRecommender().params).toEqual({});
  });

  it('names every parameter given as unknown, and the constructor throws', () => {
    expect(popularityParamProblems({ k: 10, weighting: 'binary' })).toEqual([
      'unknown parameter k (it takes none)',
      'unknown parameter weighting (it takes none)',
    ]);
    expect(() => new PopularityRecommender({ k: 10 } as unknown as PopularityParams)).toThrow(
      'invalid popularity parameters: unknown parameter k (it takes none)',
    );
  });
});
