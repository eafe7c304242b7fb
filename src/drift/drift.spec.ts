import { expandWeighted, kolmogorovSmirnov, populationStabilityIndex } from './drift.js';

describe('populationStabilityIndex', () => {
  it('is 0 for identical shares, whatever the totals', () => {
    expect(populationStabilityIndex([10, 20, 70], [1, 2, 7])).toBeCloseTo(0, 12);
  });

  it('matches a hand-computed value', () => {
    // shares e = [0.5, 0.5], a = [0.25, 0.75]:
    // (0.25-0.5)ln(0.5) + (0.75-0.5)ln(1.5) = 0.25 ln 2 + 0.25 ln 1.5
    expect(populationStabilityIndex([50, 50], [25, 75])).toBeCloseTo(
      0.25 * Math.log(2) + 0.25 * Math.log(1.5),
      12,
    );
  });

  it('stays finite when a bin is empty on one side', () => {
    const psi = populationStabilityIndex([100, 0], [50, 50]);
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeGreaterThan(1);
  });

  it('is 0 when a side has no observations', () => {
    expect(populationStabilityIndex([0, 0], [1, 2])).toBe(0);
  });

  it('rejects histograms with different bins', () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow('same bins');
  });
});

describe('kolmogorovSmirnov', () => {
  it('is 0 for the same sample', () => {
    const sample = Float64Array.from([1, 2, 2, 3, 5]);
    expect(kolmogorovSmirnov(sample, sample)).toBe(0);
  });

  it('is 1 for disjoint samples', () => {
    expect(kolmogorovSmirnov(Float64Array.from([1, 2]), Float64Array.from([3, 4, 5]))).toBe(1);
  });

  it('matches a hand-computed value with ties', () => {
    // A = {1,2,3,4}, B = {3,4,5,6}: at 2, F_A = 0.5 and F_B = 0, the largest gap.
    expect(kolmogorovSmirnov(Float64Array.from([4, 3, 2, 1]), Float64Array.from([3, 4, 5, 6]))).toBe(0.5);
  });
});

describe('expandWeighted', () => {
  it('repeats each value by its weight', () => {
    expect(Array.from(expandWeighted([1, 5], [2, 3]))).toEqual([1, 1, 5, 5, 5]);
  });
});
