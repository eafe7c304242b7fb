import { summarize, userMetrics } from './metrics.js';

// Discounts 1 / log2(rank + 1):
//   rank 1: 1/log2(2) = 1
//   rank 2: 1/log2(3) = 0.6309297535714575
//   rank 3: 1/log2(4) = 0.5
//   rank 4: 1/log2(5) = 0.43067655807339306
//   rank 5: 1/log2(6) = 0.38685280723454163
const D = [1, 0.6309297535714575, 0.5, 0.43067655807339306, 0.38685280723454163];

describe('userMetrics at k = 10', () => {
  it('scores hits at ranks 1 and 3 with 4 relevant items', () => {
    // Top 10: 1..10; relevant {1, 3, 50, 60}: hits at ranks 1 and 3.
    const m = userMetrics([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], new Set([1, 3, 50, 60]), 10);
    // precision = 2 / 10
    expect(m.precision).toBeCloseTo(0.2, 12);
    // recall = 2 / min(10, 4) = 0.5
    expect(m.recall).toBeCloseTo(0.5, 12);
    // DCG = 1 + 0.5 = 1.5; IDCG = 1 + 0.63093 + 0.5 + 0.43068 = 2.5616063116448506
    // NDCG = 1.5 / 2.5616063116448506 = 0.5855700749881526
    expect(m.ndcg).toBeCloseTo(1.5 / (D[0]! + D[1]! + D[2]! + D[3]!), 12);
    expect(m.ndcg).toBeCloseTo(0.5855700749881526, 12);
    expect(m.hitRate).toBe(1);
    // AP = (P@1 + P@3) / min(10, 4) = (1/1 + 2/3) / 4 = 0.4166666…
    expect(m.averagePrecision).toBeCloseTo((1 + 2 / 3) / 4, 12);
  });

  it('scores a single relevant item at rank 2', () => {
    const m = userMetrics([7, 8, 9], new Set([8]), 10);
    // precision = 1/10 (a short list still divides by k); recall = 1/1
    expect(m.precision).toBeCloseTo(0.1, 12);
    expect(m.recall).toBe(1);
    // DCG = 1/log2(3) = 0.63093; IDCG over min(10, 1) = 1 rank = 1
    expect(m.ndcg).toBeCloseTo(0.6309297535714575, 12);
    // AP = P@2 / 1 = 1/2
    expect(m.averagePrecision).toBeCloseTo(0.5, 12);
    expect(m.hitRate).toBe(1);
  });

  it('caps the ideal at k when there are more relevant items than k', () => {
    // 12 relevant items, the top 10 are all relevant: perfect scores at k = 10.
    const relevant = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const m = userMetrics([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], relevant, 10);
    // precision = 10/10; recall = 10 / min(10, 12) = 1; NDCG = IDCG/IDCG = 1; AP = (10 × 1) / 10 = 1
    expect(m).toEqual({ precision: 1, recall: 1, ndcg: 1, hitRate: 1, averagePrecision: 1 });
  });

  it('counts only the first k items', () => {
    // k = 3: the hit at rank 4 does not count.
    const m = userMetrics([1, 2, 3, 4], new Set([4]), 3);
    expect(m).toEqual({ precision: 0, recall: 0, ndcg: 0, hitRate: 0, averagePrecision: 0 });
  });

  it('scores hits at ranks 2 and 5 with 2 relevant items (k = 5)', () => {
    const m = userMetrics([10, 20, 30, 40, 50], new Set([20, 50]), 5);
    // precision = 2/5; recall = 2 / min(5, 2) = 1
    expect(m.precision).toBeCloseTo(0.4, 12);
    expect(m.recall).toBe(1);
    // DCG = 0.63093 + 0.38685 = 1.0177825608059992; IDCG = 1 + 0.63093 = 1.6309297535714575
    // NDCG = 0.6240505200038379
    expect(m.ndcg).toBeCloseTo((D[1]! + D[4]!) / (D[0]! + D[1]!), 12);
    expect(m.ndcg).toBeCloseTo(0.6240505200038379, 12);
    // AP = (P@2 + P@5) / 2 = (1/2 + 2/5) / 2 = 0.45
    expect(m.averagePrecision).toBeCloseTo(0.45, 12);
  });

  it('scores an empty list zero, and refuses a user with nothing relevant', () => {
    expect(userMetrics([], new Set([1]), 10)).toEqual({
      precision: 0,
      recall: 0,
      ndcg: 0,
      hitRate: 0,
      averagePrecision: 0,
    });
    expect(() => userMetrics([1], new Set(), 10)).toThrow(/no relevant item/);
  });
});

describe('summarize', () => {
  it('averages over users, with the standard error of NDCG and the coverage', () => {
    const a = { precision: 0.2, recall: 0.5, ndcg: 0.6, hitRate: 1, averagePrecision: 0.4 };
    const b = { precision: 0, recall: 0, ndcg: 0, hitRate: 0, averagePrecision: 0 };
    const c = { precision: 0.1, recall: 1, ndcg: 0.3, hitRate: 1, averagePrecision: 0.2 };
    const s = summarize([a, b, c], 15, 60);
    // means: precision 0.3/3 = 0.1; recall 1.5/3 = 0.5; ndcg 0.9/3 = 0.3; hit 2/3; map 0.6/3 = 0.2
    expect(s.precision).toBeCloseTo(0.1, 12);
    expect(s.recall).toBeCloseTo(0.5, 12);
    expect(s.ndcg).toBeCloseTo(0.3, 12);
    expect(s.hitRate).toBeCloseTo(2 / 3, 12);
    expect(s.map).toBeCloseTo(0.2, 12);
    // sample variance = ((0.3)² + (0.3)² + 0²) / (3 − 1) = 0.09; se = √(0.09 / 3) = 0.17320508075688773
    expect(s.ndcgStandardError).toBeCloseTo(0.17320508075688773, 12);
    // coverage = 15 distinct recommended / 60 train items
    expect(s.coverage).toBeCloseTo(0.25, 12);
    expect(s.users).toBe(3);
  });

  it('gives zeros when nobody was evaluated', () => {
    expect(summarize([], 0, 0)).toEqual({
      precision: 0,
      recall: 0,
      ndcg: 0,
      ndcgStandardError: 0,
      hitRate: 0,
      map: 0,
      coverage: 0,
      users: 0,
    });
  });
});
