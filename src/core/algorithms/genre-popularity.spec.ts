import { GENRE_COUNT } from './common.js';
import { ACTION, COMEDY, DRAMA, tinyData } from './fixtures.js';
import {
  GENRE_POPULARITY_DEFAULTS,
  genrePopularityParamProblems,
  type GenrePopularityParams,
  GenrePopularityRecommender,
} from './genre-popularity.js';
import { buildInteractionData, type Row } from './test-data.js';

function taste(weights: Record<number, number>): Float32Array {
  const t = new Float32Array(GENRE_COUNT);
  for (const [g, w] of Object.entries(weights)) t[Number(g)] = w;
  return t;
}

function fitted(params: Partial<GenrePopularityParams>, data = tinyData()): GenrePopularityRecommender {
  const model = new GenrePopularityRecommender(params);
  model.fit(data);
  return model;
}

const items = (model: GenrePopularityRecommender, t: Float32Array, k: number, exclude = new Set<number>()) =>
  Array.from(model.recommendForTaste(t, k, exclude).items);

// What every model does (k, exclusions, seen items, unknown users, serialization, refusing parameters):
// recommender-contract.spec.ts.
describe('GenrePopularityRecommender', () => {
  // tinyData: counts i0 3, i1 3, i2 2, i3 1, i4 1 (ties by mean: i1 before i0).
  // Genres: i0 Action+Comedy, i1 Action, i2 Drama, i3 Comedy, i4 Action+Drama.

  it('ranks a popular film sharing the taste before an obscure exact genre match', () => {
    // Comedy: i0 (3 ratings, cosine 0.71) scores 2.5, i3 (1 rating, cosine 1) 1.25.
    const model = fitted({ geometry: 'cosine', sharpness: 1, weight: 'count' });
    expect(items(model, taste({ [COMEDY]: 1 }), 2)).toEqual([0, 3]);
    // A sharper match turns it around: 0.71^4 × 3.5 = 0.875 < 1.25.
    expect(
      items(fitted({ geometry: 'cosine', sharpness: 4, weight: 'count' }), taste({ [COMEDY]: 1 }), 2),
    ).toEqual([3, 0]);
  });

  it('puts films outside the taste after every match, by popularity', () => {
    const model = fitted({ geometry: 'cosine', sharpness: 1, weight: 'count' });
    expect(items(model, taste({ [COMEDY]: 1 }), 5)).toEqual([0, 3, 1, 2, 4]);
  });

  it('is plain popularity at sharpness 0 and for an all-zero taste', () => {
    const flat = fitted({ sharpness: 0 });
    expect(items(flat, taste({ [DRAMA]: 1 }), 5)).toEqual([1, 0, 2, 3, 4]);
    expect(items(fitted({}), new Float32Array(GENRE_COUNT), 5, new Set([0]))).toEqual([1, 2, 3, 4]);
  });

  it('counts only ratings of 4 and more with weight liked', () => {
    // Liked (ratings >= 4): i0 2, i1 3, i2 1, i3 0, i4 0.
    const liked = fitted({ geometry: 'cover', sharpness: 1, weight: 'liked' });
    const count = fitted({ geometry: 'cover', sharpness: 1, weight: 'count' });
    const t = taste({ [DRAMA]: 1 });
    // Drama only: i2 (1 liked) then i4 (0 liked) — the rest miss; by count i2 (2) then i4 (1).
    expect(items(liked, t, 2)).toEqual([2, 4]);
    expect(items(count, t, 2)).toEqual([2, 4]);
    // Comedy: i0 (2 liked / 3 ratings) before i3 (0 liked / 1 rating) either way, but liked scores lower.
    const comedy = taste({ [COMEDY]: 1 });
    expect(liked.recommendForTaste(comedy, 1, new Set()).scores[0]).toBeLessThan(
      count.recommendForTaste(comedy, 1, new Set()).scores[0]!,
    );
  });

  it('skips excluded films and answers at most the films it knows', () => {
    const model = fitted({});
    expect(items(model, taste({ [ACTION]: 1 }), 10, new Set([1, 4]))).toEqual([0, 2, 3]);
    expect(items(model, taste({ [ACTION]: 1 }), 0)).toEqual([]);
  });

  it('uses only the proportions of the weights, huge ones included', () => {
    const model = fitted({});
    const small = taste({ [COMEDY]: 2, [DRAMA]: 1 });
    const huge = taste({ [COMEDY]: 2e38, [DRAMA]: 1e38 });
    expect(model.recommendForTaste(huge, 5, new Set())).toEqual(model.recommendForTaste(small, 5, new Set()));
  });

  it('rejects a taste of the wrong size or with negative or infinite weights', () => {
    const model = fitted({});
    expect(() => model.recommendForTaste(new Float32Array(3), 5, new Set())).toThrow(/20 weights/);
    expect(() => model.recommendForTaste(taste({ [ACTION]: -1 }), 5, new Set())).toThrow(/>= 0/);
    expect(() => model.recommendForTaste(taste({ [ACTION]: Infinity }), 5, new Set())).toThrow(/finite/);
  });

  it('answers tastes the same after forgetting its users, and every user as a newcomer', () => {
    const model = fitted({});
    const forgetful = fitted({});
    forgetful.forgetUsers();
    const t = taste({ [ACTION]: 3, [DRAMA]: 1 });
    expect(forgetful.recommendForTaste(t, 5, new Set())).toEqual(model.recommendForTaste(t, 5, new Set()));
    expect(forgetful.recommend(0, 3, new Set())).toEqual(model.recommend(-1, 3, new Set()));
    expect(forgetful.serialize().byteLength).toBeLessThan(model.serialize().byteLength);
  });

  it('answers genre tastes the same after serialize → deserialize', () => {
    const model = fitted({ geometry: 'profile', sharpness: 3, weight: 'liked' });
    const copy = GenrePopularityRecommender.deserialize(model.serialize());
    const t = taste({ [COMEDY]: 1, [ACTION]: 0.3 });
    expect(copy.recommendForTaste(t, 4, new Set([3]))).toEqual(model.recommendForTaste(t, 4, new Set([3])));
  });

  it('returns exactly the top k of a full scan of every film (the walk stops early, never wrongly)', () => {
    // 400 films over random genre sets, 300 users with random ratings: a seeded, reproducible mix.
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const genres = Array.from({ length: 400 }, () =>
      Array.from({ length: GENRE_COUNT }, (_, g) => g).filter(() => random() < 0.15),
    );
    const rows: Row[] = [];
    for (let u = 0; u < 300; u++)
      for (let n = 0; n < 20; n++)
        rows.push([u, Math.floor(random() ** 2 * 400), 0.5 + Math.floor(random() * 10) / 2, n]);
    const unique = [...new Map(rows.map((row) => [`${row[0]}:${row[1]}`, row])).values()];
    const data = buildInteractionData(unique, { genres });
    for (const geometry of ['cosine', 'profile', 'cover'] as const) {
      for (const weight of ['count', 'liked'] as const) {
        const model = fitted({ geometry, sharpness: 2, weight }, data);
        const all = Array.from({ length: 400 }, (_, i) => i);
        for (let q = 0; q < 5; q++) {
          const t = taste(
            Object.fromEntries(
              Array.from({ length: 3 }, () => [Math.floor(random() * GENRE_COUNT), random()]),
            ),
          );
          const full = model.recommendForTaste(t, 400, new Set());
          const fullScore = new Map(Array.from(full.items, (item, p) => [item, full.scores[p]!]));
          expect(all.every((item) => fullScore.has(item))).toBe(true);
          const top = model.recommendForTaste(t, 10, new Set([Number(full.items[0])]));
          // The top 10 without the best film are the full ranking's next 10 (scores non-increasing).
          expect(Array.from(top.scores)).toEqual(Array.from(full.scores.subarray(1, 11)));
          expect([...top.scores].every((s, p) => p === 0 || s <= top.scores[p - 1]!)).toBe(true);
        }
      }
    }
  });
});

describe('genrePopularityParamProblems', () => {
  it('accepts the defaults and no parameters', () => {
    expect(genrePopularityParamProblems(GENRE_POPULARITY_DEFAULTS)).toEqual([]);
    expect(genrePopularityParamProblems({})).toEqual([]);
  });

  it('names unknown parameters and values out of range', () => {
    expect(genrePopularityParamProblems({ k: 5 })).toEqual([
      'unknown parameter k (known: geometry, sharpness, weight)',
    ]);
    expect(genrePopularityParamProblems({ sharpness: -1, weight: 'all' })).toEqual([
      'sharpness must be >= 0 and <= 64, got -1',
      'weight must be one of "count", "liked", got "all"',
    ]);
  });
});
