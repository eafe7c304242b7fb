import { GENRE_COUNT } from './common.js';
import { ACTION, COMEDY, DRAMA, tinyData } from './fixtures.js';
import { GENRE_KNN_DEFAULTS, genreKnnParamProblems, GenreKnnRecommender } from './genre-knn.js';

function taste(weights: Record<number, number>): Float32Array {
  const t = new Float32Array(GENRE_COUNT);
  for (const [g, w] of Object.entries(weights)) t[Number(g)] = w;
  return t;
}

// What every model does (k, exclusions, seen items, unknown users, serialization, refusing parameters):
// recommender-contract.spec.ts.
describe('GenreKnnRecommender', () => {
  const data = tinyData();
  const model = new GenreKnnRecommender();
  model.fit(data);

  it('after forgetting its users, answers the same genre tastes and every user as a newcomer', () => {
    const forgetful = new GenreKnnRecommender();
    forgetful.fit(data);
    forgetful.forgetUsers();
    const action = taste({ [ACTION]: 3 });
    expect(forgetful.recommendForTaste(action, 5, new Set())).toEqual(
      model.recommendForTaste(action, 5, new Set()),
    );
    expect(forgetful.recommend(0, 3, new Set())).toEqual(model.recommend(-1, 3, new Set()));
    expect(forgetful.serialize().byteLength).toBeLessThan(model.serialize().byteLength);
  });

  it('ranks films by closeness to the mean genre profile, ties by popularity', () => {
    // Profile Action 1: i1 (Action) d 0; i0 (Action+Comedy) and i4 (Action+Drama) d 1 → i0 more
    // popular; i2 (Drama) and i3 (Comedy) d √2 → i2 more popular. Score 1 / (1 + d).
    const recs = model.recommendForTaste(taste({ [ACTION]: 3 }), 5, new Set());
    expect(Array.from(recs.items)).toEqual([1, 0, 4, 2, 3]);
    expect(Array.from(recs.scores)).toEqual(
      [1, 0.5, 0.5, 1 / (1 + Math.SQRT2), 1 / (1 + Math.SQRT2)].map(Math.fround),
    );
  });

  it('with a profile, films with genres the user does not watch fall behind', () => {
    // Comedy 2, Drama 1 → profile (2/3, 1/3): i3 (Comedy) d √2/3 = 0.47, i2 (Drama) √8/3 = 0.94,
    // i0 (Action+Comedy) √11/3 = 1.11 — where cosine puts i0 before i2 (test below).
    const recs = model.recommendForTaste(taste({ [COMEDY]: 2, [DRAMA]: 1 }), 3, new Set());
    expect(Array.from(recs.items)).toEqual([3, 2, 0]);
    expect(recs.scores[0]).toBeCloseTo(1 / (1 + Math.SQRT2 / 3), 6);
    expect(
      Array.from(model.recommendForTaste(taste({ [COMEDY]: 20, [DRAMA]: 10 }), 3, new Set()).items),
    ).toEqual([3, 2, 0]);
  });

  it('ranks films by genre angle to the taste with geometry cosine, ties by popularity', () => {
    const model = new GenreKnnRecommender({ geometry: 'cosine' });
    model.fit(data);
    // Action: i1 (Action) exact; i0 (Action+Comedy) and i4 (Action+Drama) tie → i0 more popular;
    // then i2 (Drama) and i3 (Comedy) tie at cosine 0 → i2 more popular.
    const recs = model.recommendForTaste(taste({ [ACTION]: 3 }), 5, new Set());
    expect(Array.from(recs.items)).toEqual([1, 0, 4, 2, 3]);
    expect(recs.scores[0]).toBeCloseTo(1, 6);
    expect(recs.scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(recs.scores[4]).toBeCloseTo(0, 6);
  });

  it('uses the proportions of the weights, not one-hot', () => {
    const model = new GenreKnnRecommender({ geometry: 'cosine' });
    model.fit(data);
    // Comedy 2, Drama 1: i3 (Comedy) cos 2/√5 = 0.894; i0 and i2 ... i0 = 2/√10 = 0.632, i2 = 1/√5 = 0.447.
    const recs = model.recommendForTaste(taste({ [COMEDY]: 2, [DRAMA]: 1 }), 3, new Set());
    expect(Array.from(recs.items)).toEqual([3, 0, 2]);
    expect(
      Array.from(model.recommendForTaste(taste({ [COMEDY]: 20, [DRAMA]: 10 }), 3, new Set()).items),
    ).toEqual([3, 0, 2]);
  });

  it('gives the popularity order to an all-zero taste, and skips excluded films', () => {
    expect(Array.from(model.recommendForTaste(new Float32Array(GENRE_COUNT), 5, new Set([0])).items)).toEqual(
      [1, 2, 3, 4],
    );
    expect(Array.from(model.recommendForTaste(taste({ [ACTION]: 1 }), 10, new Set([1, 4])).items)).toEqual([
      0, 2, 3,
    ]);
  });

  it('rejects a taste of the wrong size or with negative weights', () => {
    expect(() => model.recommendForTaste(new Float32Array(3), 5, new Set())).toThrow(/20 weights/);
    expect(() => model.recommendForTaste(taste({ [ACTION]: -1 }), 5, new Set())).toThrow(/>= 0/);
  });

  it('builds a user taste from rated films weighted by rating', () => {
    // u3: i1 (Action, 5), i4 (Action+Drama, 1) → profile (6/7, 1/7): i0 d 1.02 < i2 1.21 < i3 1.32.
    expect(Array.from(model.recommend(3, 5, new Set()).items)).toEqual([0, 2, 3]);
  });

  it("gives the same answers with ml-knn's tree and with the exact scan", () => {
    const exact = new GenreKnnRecommender({ search: 'exact' });
    exact.fit(data);
    const tastes = [taste({ [ACTION]: 1 }), taste({ [COMEDY]: 1, [DRAMA]: 3 }), taste({ 2: 1, 5: 0.5 })];
    for (const t of tastes)
      expect(exact.recommendForTaste(t, 5, new Set())).toEqual(model.recommendForTaste(t, 5, new Set()));
    for (let u = 0; u < 4; u++)
      expect(exact.recommend(u, 5, new Set())).toEqual(model.recommend(u, 5, new Set()));
  });

  it('answers genre tastes the same after serialize → deserialize', () => {
    const copy = GenreKnnRecommender.deserialize(model.serialize());
    const t = taste({ [COMEDY]: 1, [ACTION]: 0.3 });
    expect(copy.recommendForTaste(t, 4, new Set([3]))).toEqual(model.recommendForTaste(t, 4, new Set([3])));
  });
});

describe('genreKnnParamProblems', () => {
  it('accepts the defaults, every allowed value and no parameters', () => {
    expect(genreKnnParamProblems(GENRE_KNN_DEFAULTS)).toEqual([]);
    expect(genreKnnParamProblems({ search: 'exact', geometry: 'cosine' })).toEqual([]);
    expect(genreKnnParamProblems({})).toEqual([]);
  });

  it('names an unknown parameter', () => {
    expect(genreKnnParamProblems({ k: 5 })).toEqual(['unknown parameter k (known: search, geometry)']);
  });

  it('rejects a value that is not one of the allowed ones', () => {
    expect(genreKnnParamProblems({ search: 'kd-tree', geometry: 'euclidean' })).toEqual([
      'search must be one of "ml-knn", "exact", got "kd-tree"',
      'geometry must be one of "cosine", "profile", got "euclidean"',
    ]);
    expect(genreKnnParamProblems({ search: NaN })).toEqual([
      'search must be one of "ml-knn", "exact", got NaN',
    ]);
  });

  it('reports the defaults beside the parameters it was given', () => {
    expect(new GenreKnnRecommender({ search: 'exact' }).params).toEqual({
      ...GENRE_KNN_DEFAULTS,
      search: 'exact',
    });
  });
});
