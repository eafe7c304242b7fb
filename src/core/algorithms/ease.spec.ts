import {
  assertFits,
  EASE_DEFAULTS,
  EASE_FIT_DEFAULTS,
  easeFitBytes,
  easeGram,
  easeWeights,
  easeParamProblems,
  type EaseParams,
  EaseRecommender,
  SharedGram,
} from './ease.js';
import { seenOf, tinyData } from './fixtures.js';
import { inverseSpd } from './linalg.js';
import { buildInteractionData, type Row } from './test-data.js';

/** Naive Gauss–Jordan inverse with partial pivoting, written independently of linalg.ts. */
function gaussJordanInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let c = 0; c < 2 * n; c++) m[col]![c]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]!;
      for (let c = 0; c < 2 * n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row) => row.slice(n));
}

function randomSpd(n: number, seed: number): number[][] {
  let s = seed;
  const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const x = Array.from({ length: n + 3 }, () => Array.from({ length: n }, rnd));
  return Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) => x.reduce((acc, row) => acc + row[i]! * row[j]!, 0) + (i === j ? 0.1 : 0),
    ),
  );
}

/** B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, computed naively. */
function naiveEase(rows: readonly Row[], numItems: number, lambda: number): number[][] {
  const users = new Map<number, Set<number>>();
  for (const [u, i] of rows) users.set(u, (users.get(u) ?? new Set()).add(i));
  const g = Array.from({ length: numItems }, (_, i) =>
    Array.from({ length: numItems }, (_, j) => (i === j ? lambda : 0)),
  );
  for (const items of users.values()) for (const i of items) for (const j of items) g[i]![j]! += 1;
  const p = gaussJordanInverse(g);
  return p.map((row, i) => row.map((v, j) => (i === j ? 0 : -v / p[j]![j]!)));
}

describe('inverseSpd (Cholesky)', () => {
  it.each([1, 3, 4, 8, 11, 17])('matches Gauss–Jordan on a random %i×%i SPD matrix', (n) => {
    const a = randomSpd(n, 11 + n);
    const expected = gaussJordanInverse(a);
    const got = inverseSpd(Float64Array.from(a.flat()), n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) expect(got[i * n + j]).toBeCloseTo(expected[i]![j]!, 8);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => inverseSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

// What every model does (k, exclusions, seen items, unknown users, serialization, refusing parameters):
// recommender-contract.spec.ts.
describe('EaseRecommender', () => {
  const data = tinyData();
  const lambda = 0.5;
  const model = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 2 });
  model.fit(data);

  it('learns B = I − P·diag(1/diag P) with a zero diagonal', () => {
    const rows: Row[] = [];
    for (let u = 0; u < data.numUsers; u++) {
      for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) rows.push([u, data.userItems[e]!, 1, 0]);
    }
    const expected = naiveEase(rows, 5, lambda);
    expect(model.keptItems).toBe(5);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) expect(model.weight(i, j)).toBeCloseTo(expected[i]![j]!, 5);
      expect(model.weight(i, i)).toBe(0);
    }
  });

  it('scores x_u·B, never returns seen or excluded items, and answers past the cached list', () => {
    for (let u = 0; u < 4; u++) {
      const seen = seenOf(data, u);
      const unseen = [0, 1, 2, 3, 4].filter((i) => !seen.has(i));
      const score = (j: number): number => [...seen].reduce((s, i) => s + model.weight(i, j), 0);
      const expected = unseen.sort((a, b) => score(b) - score(a) || a - b);
      const recs = model.recommend(u, 5, seen);
      expect(Array.from(recs.items)).toEqual(expected);
      recs.items.forEach((j, p) => expect(recs.scores[p]).toBeCloseTo(score(j), 5));
      // Excluding the cached best forces the full scoring path.
      const first = expected[0]!;
      expect(Array.from(model.recommend(u, 5, new Set([first])).items)).toEqual(expected.slice(1));
    }
  });

  it('restricts B to items with enough interactions and fills the rest by popularity', () => {
    const pruned = new EaseRecommender({ lambda, minItemCount: 2, cacheSize: 10 });
    pruned.fit(data);
    expect(pruned.keptItems).toBe(3); // i0, i1, i2
    expect(pruned.weight(3, 0)).toBe(0);
    // u2 (i0, i2) → i1 from B, then i3, i4 by popularity.
    expect(Array.from(pruned.recommend(2, 5, new Set()).items)).toEqual([1, 3, 4]);
  });

  it('can weight recent interactions more at scoring time', () => {
    const recent = new EaseRecommender({ lambda, minItemCount: 1, recencyHalfLife: 1 });
    recent.fit(data);
    // u0 saw i0 (t1), i1 (t2), i2 (t3): weights 0.25, 0.5, 1.
    const score = (j: number): number =>
      0.25 * recent.weight(0, j) + 0.5 * recent.weight(1, j) + recent.weight(2, j);
    const recs = recent.recommend(0, 2, new Set());
    const expected = [3, 4].sort((a, b) => score(b) - score(a) || a - b);
    expect(Array.from(recs.items)).toEqual(expected);
    expect(recs.scores[0]).toBeCloseTo(score(expected[0]!), 5);
  });

  it('stores no weight per rating without recency, and still reads artifacts that stored ones', () => {
    const bytes = model.serialize();
    const withWeights = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 2, recencyHalfLife: 1e12 });
    withWeights.fit(data);
    // A half-life far beyond any rank gives weights of (almost exactly) 1, stored one per rating.
    expect(withWeights.serialize().byteLength - bytes.byteLength).toBeGreaterThanOrEqual(
      4 * data.userItems.length,
    );
    const cacheless = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 0 });
    cacheless.fit(data);
    const weighted = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 0, recencyHalfLife: 1e12 });
    weighted.fit(data);
    for (let u = 0; u < data.numUsers; u++) {
      expect(Array.from(cacheless.recommend(u, 3, new Set()).items)).toEqual(
        Array.from(weighted.recommend(u, 3, new Set()).items),
      );
    }
  });

  it('handles a larger random matrix like the naive computation', () => {
    let s = 5;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const rows: Row[] = [];
    for (let u = 0; u < 30; u++)
      for (let i = 0; i < 13; i++) if (rnd() < 0.3) rows.push([u, i, 4, u * 100 + i]);
    const big = buildInteractionData(rows, { numItems: 13 });
    const ease = new EaseRecommender({ lambda: 2, minItemCount: 0 });
    ease.fit(big);
    const expected = naiveEase(rows, 13, 2);
    for (let i = 0; i < 13; i++)
      for (let j = 0; j < 13; j++) expect(ease.weight(i, j)).toBeCloseTo(expected[i]![j]!, 5);
  });
});

describe('easeGram', () => {
  it('counts the users of each pair of kept columns, a repeated item once, whatever the entry order', () => {
    let s = 11;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const rows: Row[] = [];
    // times out of item order, and some items rated twice by one user
    for (let u = 0; u < 40; u++)
      for (let i = 0; i < 17; i++) {
        if (rnd() < 0.35) rows.push([u, i, 4, Math.floor(rnd() * 1000)]);
        if (rnd() < 0.05) rows.push([u, i, 3, Math.floor(rnd() * 1000)]);
      }
    const data = buildInteractionData(rows, { numItems: 17 });
    const itemCol = Int32Array.from({ length: 17 }, (_, i) => (i % 4 === 3 ? -1 : i - Math.floor(i / 4)));
    const m = 13;
    const want = new Float64Array(m * m);
    for (let u = 0; u < data.numUsers; u++) {
      const cols = new Set<number>();
      for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) cols.add(itemCol[data.userItems[e]!]!);
      cols.delete(-1);
      for (const a of cols) for (const b of cols) want[a * m + b]! += 1;
    }
    expect(Array.from(easeGram(data, itemCol, m))).toEqual(Array.from(want));
  });
});

describe('SharedGram', () => {
  const data = tinyData();
  const all = Int32Array.from({ length: data.numItems }, (_, i) => i);
  const some = Int32Array.from([0, 2, 3]);
  const cols = (colItem: Int32Array) => {
    const itemCol = new Int32Array(data.numItems).fill(-1);
    colItem.forEach((item, c) => (itemCol[item] = c));
    return itemCol;
  };

  it('computes the Gram once for fits of the same data and columns, then lets it go', () => {
    const want = easeGram(data, cols(all), all.length);
    const shared = new SharedGram(3);
    const first = new Float64Array(all.length ** 2);
    const second = new Float64Array(all.length ** 2);
    shared.fill(data, cols(all), all, first);
    first.fill(-1); // a fit works in its copy: the one kept is not changed
    shared.fill(data, cols(all), all.slice(), second);
    expect(Array.from(second)).toEqual(Array.from(want));
    // a fit at other columns gets its own
    const third = new Float64Array(9);
    shared.fill(data, cols(some), some, third);
    expect(Array.from(third)).toEqual(Array.from(easeGram(data, cols(some), 3)));
  });

  it('gives the weights of a fit of its own', () => {
    const gram = easeGram(data, cols(all), all.length);
    const m = all.length;
    const shared = new SharedGram(2);
    const fill = (target: Float64Array) => shared.fill(data, cols(all), all, target);
    const own = Array.from(easeWeights(data, cols(all), m, 3));
    expect(Array.from(easeWeights(data, cols(all), m, 3, fill))).toEqual(own);
    expect(Array.from(easeWeights(data, cols(all), m, 3, fill))).toEqual(own);
    expect(Array.from(easeWeights(data, cols(all), m, 3, (target) => target.set(gram)))).toEqual(own);
  });
});

describe('EASE relative λ', () => {
  // 30 users × 13 items, each pair rated with probability 0.3.
  function rowsOf(copies: number): Row[] {
    let s = 5;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const rows: Row[] = [];
    for (let u = 0; u < 30; u++)
      for (let i = 0; i < 13; i++)
        if (rnd() < 0.3) for (let c = 0; c < copies; c++) rows.push([u + 30 * c, i, 4, u * 100 + i]);
    return rows;
  }

  it('is relativeLambda times the mean number of users of the kept items', () => {
    const rows = rowsOf(1);
    const counts = new Map<number, number>();
    for (const [, item] of rows) counts.set(item, (counts.get(item) ?? 0) + 1);
    const mean = [...counts.values()].reduce((a, b) => a + b, 0) / counts.size;
    const relative = new EaseRecommender({ lambda: 999, relativeLambda: 0.5, minItemCount: 0 });
    relative.fit(buildInteractionData(rows, { numItems: 13 }));
    const expected = naiveEase(rows, 13, 0.5 * mean);
    for (let i = 0; i < 13; i++)
      for (let j = 0; j < 13; j++) expect(relative.weight(i, j)).toBeCloseTo(expected[i]![j]!, 5);
  });

  it('gives the same weights when every user comes three times (a fixed λ does not)', () => {
    const fit = (copies: number, params: Partial<EaseParams>) => {
      const model = new EaseRecommender({ minItemCount: 0, ...params });
      model.fit(buildInteractionData(rowsOf(copies), { numItems: 13 }));
      return model;
    };
    const once = fit(1, { relativeLambda: 0.5 });
    const thrice = fit(3, { relativeLambda: 0.5 });
    const fixedOnce = fit(1, { lambda: 5 });
    const fixedThrice = fit(3, { lambda: 5 });
    let fixedMoved = 0;
    for (let i = 0; i < 13; i++)
      for (let j = 0; j < 13; j++) {
        expect(thrice.weight(i, j)).toBeCloseTo(once.weight(i, j), 5);
        fixedMoved = Math.max(fixedMoved, Math.abs(fixedThrice.weight(i, j) - fixedOnce.weight(i, j)));
      }
    expect(fixedMoved).toBeGreaterThan(0.01);
  });

  it('is recorded only when given, and refused when negative', () => {
    expect(new EaseRecommender({ lambda: 5 }).params).not.toHaveProperty('relativeLambda');
    expect(new EaseRecommender({ relativeLambda: 20 }).params).toMatchObject({ relativeLambda: 20 });
    expect(easeParamProblems({ relativeLambda: -1 })).toEqual(['relativeLambda must be >= 0, got -1']);
  });
});

describe('EASE size guards', () => {
  const data = tinyData();
  // counts (fixtures.ts): i0 3, i1 3, i2 2, i3 1, i4 1; popularity: i1, i0, i2, i3, i4.
  const lambda = 0.5;

  it('keeps at most maxItems columns, the most rated (ties by item index), the rest by popularity fill', () => {
    const capped = new EaseRecommender({ lambda, minItemCount: 1, maxItems: 2, cacheSize: 10 });
    capped.fit(data);
    expect(capped.keptItems).toBe(2); // i0, i1 (i2 has enough ratings but is not among the 2 most rated)
    // B is EASE over the kept items alone.
    const rows: Row[] = [];
    for (let u = 0; u < data.numUsers; u++) {
      for (let e = data.userPtr[u]!; e < data.userPtr[u + 1]!; e++) {
        const item = data.userItems[e]!;
        if (item < 2) rows.push([u, item, 1, 0]);
      }
    }
    const expected = naiveEase(rows, 2, lambda);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) expect(capped.weight(i, j)).toBeCloseTo(expected[i]![j]!, 5);
    for (let j = 0; j < 5; j++) expect(capped.weight(2, j)).toBe(0);
    // u3 (i1, i4): i0 from B, then i2, i3 by popularity only; u0 (i0, i1, i2): popularity only.
    const u3 = capped.recommend(3, 5, new Set());
    expect(Array.from(u3.items)).toEqual([0, 2, 3]);
    expect(u3.scores[0]).toBeCloseTo(capped.weight(1, 0), 5);
    expect(Array.from(capped.recommend(0, 5, new Set()).items)).toEqual([3, 4]);

    const one = new EaseRecommender({ lambda, minItemCount: 1, maxItems: 1 });
    one.fit(data);
    expect(one.keptItems).toBe(1);
    // i0 and i1 tie at 3 ratings: the lower index wins; a single column has no weight to give.
    expect(one.weight(0, 0)).toBe(0);
    expect(Array.from(one.recommend(2, 5, new Set()).items)).toEqual([1, 3, 4]);
  });

  it('changes nothing when the cap and the budget do not bind, and reports them only when given', () => {
    const plain = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 2 });
    const explicit = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 2, ...EASE_FIT_DEFAULTS });
    const exact = new EaseRecommender({ lambda, minItemCount: 1, cacheSize: 2, maxItems: 5 });
    for (const model of [plain, explicit, exact]) model.fit(data);
    expect(exact.keptItems).toBe(5);
    for (const model of [explicit, exact]) {
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) expect(model.weight(i, j)).toBe(plain.weight(i, j));
      for (let u = -1; u <= 4; u++)
        expect(model.recommend(u, 5, new Set())).toEqual(plain.recommend(u, 5, new Set()));
    }
    expect(plain.params).toEqual({ ...EASE_DEFAULTS, lambda, minItemCount: 1, cacheSize: 2 });
    expect(exact.params).toMatchObject({ maxItems: 5 });
  });

  it('sizes a fit at two m×m Float64 buffers (its own, a shared Gram)', () => {
    expect(easeFitBytes(5)).toBe(400);
    expect(easeFitBytes(10_000)).toBe(1_600_000_000);
    // The default cap fits the default budget.
    expect(() =>
      assertFits(EASE_FIT_DEFAULTS.maxItems, EASE_FIT_DEFAULTS.memoryBudgetMB * 2 ** 20),
    ).not.toThrow();
    expect(() => assertFits(5, 500)).not.toThrow();
  });

  it('refuses a fit over the memory budget before it starts, naming items, bytes, budget and parameters', () => {
    expect(() => assertFits(21_000, 6144 * 2 ** 20)).toThrow(
      'EASE cannot fit 21000 items within its memory budget: it needs 7056000000 bytes (6729.1 MB: ' +
        'two 21000×21000 Float64 buffers), the budget is 6442450944 bytes ' +
        '(6144.0 MB); lower maxItems (or raise minItemCount), or raise memoryBudgetMB',
    );
    const tight = new EaseRecommender({ lambda, minItemCount: 1, memoryBudgetMB: 0.0001 });
    expect(() => tight.fit(data)).toThrow(
      'EASE cannot fit 5 items within its memory budget: it needs 400 bytes (0.0 MB: ' +
        'two 5×5 Float64 buffers), the budget is 104 bytes (0.0 MB); ' +
        'lower maxItems (or raise minItemCount), or raise memoryBudgetMB',
    );
    expect(tight.keptItems).toBe(0);
    // Lowering maxItems is the way out: 2 items need 64 bytes.
    const capped = new EaseRecommender({ lambda, minItemCount: 1, memoryBudgetMB: 0.0001, maxItems: 2 });
    capped.fit(data);
    expect(capped.keptItems).toBe(2);
  });
});

describe('easeParamProblems', () => {
  it('accepts the defaults, a good set and no parameters', () => {
    expect(easeParamProblems(EASE_DEFAULTS)).toEqual([]);
    expect(easeParamProblems({ lambda: 0.5, minItemCount: 0, cacheSize: 0, recencyHalfLife: 10 })).toEqual(
      [],
    );
    expect(easeParamProblems({})).toEqual([]);
  });

  it('names an unknown parameter', () => {
    expect(easeParamProblems({ lamda: 500 })).toEqual([
      'unknown parameter lamda (known: lambda, minItemCount, cacheSize, recencyHalfLife, maxItems, memoryBudgetMB, relativeLambda)',
    ]);
  });

  it('rejects negative, zero, fractional, NaN and non-numeric values where they are invalid', () => {
    expect(easeParamProblems({ lambda: 0, minItemCount: -1, cacheSize: 2.5, recencyHalfLife: -1 })).toEqual([
      'lambda must be > 0, got 0',
      'minItemCount must be an integer >= 0, got -1',
      'cacheSize must be an integer >= 0, got 2.5',
      'recencyHalfLife must be >= 0, got -1',
    ]);
    expect(easeParamProblems({ maxItems: 0, memoryBudgetMB: 0 })).toEqual([
      'maxItems must be an integer >= 1, got 0',
      'memoryBudgetMB must be > 0, got 0',
    ]);
    expect(easeParamProblems({ maxItems: 2.5, memoryBudgetMB: -1 })).toEqual([
      'maxItems must be an integer >= 1, got 2.5',
      'memoryBudgetMB must be > 0, got -1',
    ]);
    expect(easeParamProblems({ maxItems: 1, memoryBudgetMB: 0.5 })).toEqual([]);
    expect(easeParamProblems({ lambda: NaN })).toEqual(['lambda must be a finite number, got NaN']);
    expect(easeParamProblems({ lambda: '250' })).toEqual(['lambda must be a number, got "250"']);
  });

  it('reports the defaults beside the parameters it was given', () => {
    expect(new EaseRecommender({ lambda: 1 }).params).toEqual({ ...EASE_DEFAULTS, lambda: 1 });
  });
});
