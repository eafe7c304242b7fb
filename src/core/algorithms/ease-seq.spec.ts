import { EASE_FIT_DEFAULTS, EaseRecommender } from './ease.js';
import { EASE_SEQ_DEFAULTS, easeSeqParamProblems, EaseSeqRecommender } from './ease-seq.js';
import { seenOf, tinyData } from './fixtures.js';
import { fitTransitions } from './transitions.js';

// What every model does (k, exclusions, seen items, unknown users, serialization, refusing parameters):
// recommender-contract.spec.ts.
describe('EaseSeqRecommender', () => {
  const data = tinyData();
  // Sequences (fixtures.ts): u0 i0→i1→i2, u1 i0→i1→i3, u2 i0→i2, u3 i1→i4.
  const common = { lambda: 0.5, minItemCount: 1, window: 2, decay: 0.5, neighbours: 10, recentHalfLife: 1 };
  const ease = new EaseRecommender({ lambda: 0.5, minItemCount: 1 });
  ease.fit(data);
  const transitions = fitTransitions(data, { window: 2, decay: 0.5, neighbours: 10 });
  const t = (i: number, j: number): number => {
    for (let x = transitions.ptr[i]!; x < transitions.ptr[i + 1]!; x++)
      if (transitions.items[x] === j) return transitions.weights[x]!;
    return 0;
  };
  /** The user's items newest first (each user's times are distinct in the fixture). */
  const newestFirst = (u: number): number[] => {
    const entries = [];
    for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) entries.push(e);
    return entries.sort((a, b) => data.userTimes[b]! - data.userTimes[a]!).map((e) => data.userItems[e]!);
  };

  /** (1 − w)·e_j / max|e| + w·s_j / max s over the unseen items, computed naively. */
  function expectedRanking(
    u: number,
    weight: number,
    recentItems: number,
  ): { items: number[]; score: (j: number) => number } {
    const seen = seenOf(data, u);
    const unseen = [0, 1, 2, 3, 4].filter((j) => !seen.has(j));
    const e = (j: number): number => [...seen].reduce((s, i) => s + ease.weight(i, j), 0);
    const recent = newestFirst(u).slice(0, recentItems);
    const s = (j: number): number => recent.reduce((acc, i, r) => acc + Math.pow(0.5, r) * t(i, j), 0);
    const eMax = Math.max(0, ...unseen.map((j) => Math.abs(e(j))));
    const sMax = Math.max(0, ...unseen.map(s));
    const score = (j: number): number =>
      (eMax > 0 ? ((1 - weight) * e(j)) / eMax : 0) + (sMax > 0 ? (weight * s(j)) / sMax : 0);
    return { items: unseen.sort((a, b) => score(b) - score(a) || a - b), score };
  }

  it.each([0, 0.3, 0.5, 1])('blends the scaled EASE and transition scores with weight %p', (weight) => {
    const model = new EaseSeqRecommender({ ...common, weight, recentItems: 10 });
    model.fit(data);
    for (let u = 0; u < 4; u++) {
      const { items, score } = expectedRanking(u, weight, 10);
      const recs = model.recommend(u, 5, seenOf(data, u));
      expect(Array.from(recs.items)).toEqual(items);
      recs.items.forEach((j, p) => expect(recs.scores[p]).toBeCloseTo(score(j), 5));
    }
  });

  it('ranks by what follows the newest items at weight 1', () => {
    const model = new EaseSeqRecommender({ ...common, weight: 1, recentItems: 1 });
    model.fit(data);
    // u2's newest is i2, which nothing follows: no transition scores, all candidates tie at 0.
    expect(Array.from(model.recommend(2, 3, new Set()).items)).toEqual([1, 3, 4]);
    // u0 (… i1 → i2): i2 is followed by nothing; with two recent items i1 leads to i3, i4.
    const two = new EaseSeqRecommender({ ...common, weight: 1, recentItems: 2 });
    two.fit(data);
    const recs = two.recommend(0, 2, new Set());
    expect(Array.from(recs.items)).toEqual([3, 4]);
    expect(Array.from(recs.scores)).toEqual([1, 1]);
  });

  it('never returns seen or excluded items, and answers past the cached list', () => {
    const model = new EaseSeqRecommender({ ...common, weight: 0.5, recentItems: 10, cacheSize: 1 });
    model.fit(data);
    for (let u = 0; u < 4; u++) {
      const { items } = expectedRanking(u, 0.5, 10);
      expect(Array.from(model.recommend(u, 5, new Set()).items)).toEqual(items);
      // Excluding the cached best forces the full scoring path.
      expect(Array.from(model.recommend(u, 5, new Set([items[0]!])).items)).toEqual(items.slice(1));
    }
  });

  it('fills from popularity beyond its candidates', () => {
    const pruned = new EaseSeqRecommender({ ...common, minItemCount: 2, window: 1, recentItems: 1 });
    pruned.fit(data);
    // u2 (i0, i2): EASE knows i0, i1, i2 only and nothing follows i2 → i1, then i3, i4 by popularity.
    expect(Array.from(pruned.recommend(2, 5, new Set()).items)).toEqual([1, 3, 4]);
  });

  it('bounds its EASE part by maxItems; transitions and the popularity fill still reach the rest', () => {
    const capped = new EaseSeqRecommender({
      ...common,
      maxItems: 2,
      weight: 0.5,
      recentItems: 2,
      cacheSize: 10,
    });
    capped.fit(data);
    // EASE keeps i0 and i1 (3 ratings each; i2 has 2). u0 (i0, i1, i2) has seen both: i3 and i4 come
    // from the transitions of i1 alone (equal weights, each half of the blend), nothing from EASE.
    const u0 = capped.recommend(0, 5, new Set());
    expect(Array.from(u0.items)).toEqual([3, 4]);
    expect(Array.from(u0.scores)).toEqual([0.5, 0.5]);
    // u2 (i0, i2; nothing follows i2): i1 from EASE, then i3, i4 by popularity.
    expect(Array.from(capped.recommend(2, 5, new Set()).items)).toEqual([1, 3, 4]);
    expect(capped.params).toMatchObject({ maxItems: 2 });
  });

  it('changes nothing when the cap and the budget do not bind, and reports them only when given', () => {
    const plain = new EaseSeqRecommender({ ...common, recentItems: 2, cacheSize: 2 });
    const explicit = new EaseSeqRecommender({
      ...common,
      recentItems: 2,
      cacheSize: 2,
      ...EASE_FIT_DEFAULTS,
    });
    const exact = new EaseSeqRecommender({ ...common, recentItems: 2, cacheSize: 2, maxItems: 5 });
    for (const model of [plain, explicit, exact]) model.fit(data);
    for (const model of [explicit, exact]) {
      for (let u = -1; u <= 4; u++) {
        expect(model.recommend(u, 5, new Set())).toEqual(plain.recommend(u, 5, new Set()));
        expect(model.recommend(u, 5, new Set([1]))).toEqual(plain.recommend(u, 5, new Set([1])));
      }
    }
    expect(plain.params).toEqual({ ...EASE_SEQ_DEFAULTS, ...common, recentItems: 2, cacheSize: 2 });
  });

  it('refuses an EASE part over the memory budget before it starts', () => {
    expect(() => new EaseSeqRecommender({ ...common, memoryBudgetMB: 0.0001 }).fit(data)).toThrow(
      'EASE cannot fit 5 items within its memory budget: it needs 400 bytes (0.0 MB: ' +
        'two 5×5 Float64 buffers), the budget is 104 bytes (0.0 MB); ' +
        'lower maxItems (or raise minItemCount), or raise memoryBudgetMB',
    );
    const capped = new EaseSeqRecommender({ ...common, memoryBudgetMB: 0.0001, maxItems: 2 });
    capped.fit(data);
    expect(Array.from(capped.recommend(2, 5, new Set()).items)).toEqual([1, 3, 4]);
  });
});

describe('easeSeqParamProblems', () => {
  it('accepts the defaults, a good set and no parameters', () => {
    expect(easeSeqParamProblems(EASE_SEQ_DEFAULTS)).toEqual([]);
    const good = { lambda: 1, minItemCount: 1, window: 1, decay: 1, neighbours: 1, recentItems: 1 };
    expect(easeSeqParamProblems({ ...good, recentHalfLife: 0.1, weight: 0, cacheSize: 0 })).toEqual([]);
    expect(easeSeqParamProblems({ weight: 1 })).toEqual([]);
    expect(easeSeqParamProblems({})).toEqual([]);
  });

  it('names an unknown parameter', () => {
    expect(easeSeqParamProblems({ lamda: 500 })).toEqual([
      'unknown parameter lamda (known: lambda, minItemCount, window, decay, neighbours, recentItems, ' +
        'recentHalfLife, weight, cacheSize, weightSearchUsers, maxItems, memoryBudgetMB, relativeLambda)',
    ]);
  });

  it('rejects negative, zero, fractional, NaN and non-numeric values where they are invalid', () => {
    expect(
      easeSeqParamProblems({ lambda: -5, weight: 1.5, window: 2.5, decay: 0, recentHalfLife: 0 }),
    ).toEqual([
      'lambda must be > 0, got -5',
      'weight must be >= 0 and <= 1, got 1.5',
      'window must be an integer >= 1, got 2.5',
      'decay must be > 0 and <= 1, got 0',
      'recentHalfLife must be > 0, got 0',
    ]);
    expect(easeSeqParamProblems({ minItemCount: 0, neighbours: 0, recentItems: -1, cacheSize: -1 })).toEqual([
      'minItemCount must be an integer >= 1, got 0',
      'neighbours must be an integer >= 1, got 0',
      'recentItems must be an integer >= 1, got -1',
      'cacheSize must be an integer >= 0, got -1',
    ]);
    expect(easeSeqParamProblems({ maxItems: 0, memoryBudgetMB: 0 })).toEqual([
      'maxItems must be an integer >= 1, got 0',
      'memoryBudgetMB must be > 0, got 0',
    ]);
    expect(easeSeqParamProblems({ weight: NaN, decay: '0.9' })).toEqual([
      'weight must be a finite number, got NaN',
      'decay must be a number, got "0.9"',
    ]);
  });

  it('reports the defaults beside the parameters it was given', () => {
    expect(new EaseSeqRecommender({ weight: 0.3 }).params).toEqual({ ...EASE_SEQ_DEFAULTS, weight: 0.3 });
  });
});
