import { tinyData } from './fixtures.js';
import { popularityParamProblems, type PopularityParams, PopularityRecommender } from './popularity.js';

describe('PopularityRecommender', () => {
  const model = new PopularityRecommender();
  model.fit(tinyData());

  // What every model does (k, exclusions, unknown users, serialization): recommender-contract.spec.ts.
  it('ranks by interactions, ties by mean rating, and gives that order as its ranking', () => {
    const recs = model.recommend(0, 5, new Set());
    expect(Array.from(recs.items)).toEqual([1, 0, 2, 3, 4]);
    expect(Array.from(recs.scores)).toEqual([3, 3, 2, 1, 1]);
    expect(Array.from(model.ranking())).toEqual([1, 0, 2, 3, 4]);
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
