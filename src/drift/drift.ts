/**
 * Distribution-shift measures between a reference sample and a new batch.
 * Plain functions over typed arrays, free of I/O.
 */

/** Proportions below this are clamped so an empty bin does not make PSI infinite. */
const MIN_SHARE = 1e-4;

/**
 * Population Stability Index over matching histogram bins:
 * sum((a - e) * ln(a / e)) with e, a the bin shares. Rule of thumb: < 0.1 stable, 0.1–0.25
 * moderate shift, > 0.25 large shift. 0 when either side is empty (nothing to compare).
 */
export function populationStabilityIndex(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (expected.length !== actual.length) throw new Error('PSI needs histograms with the same bins');
  const expectedTotal = sum(expected);
  const actualTotal = sum(actual);
  if (expectedTotal === 0 || actualTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]! / expectedTotal, MIN_SHARE);
    const a = Math.max(actual[i]! / actualTotal, MIN_SHARE);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic: the largest distance between the empirical CDFs
 * (0 = same distribution, 1 = disjoint). 0 when either sample is empty.
 */
export function kolmogorovSmirnov(sampleA: Float64Array, sampleB: Float64Array): number {
  if (sampleA.length === 0 || sampleB.length === 0) return 0;
  const a = Float64Array.from(sampleA).sort();
  const b = Float64Array.from(sampleB).sort();
  let i = 0;
  let j = 0;
  let distance = 0;
  while (i < a.length && j < b.length) {
    const value = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= value) i++;
    while (j < b.length && b[j]! <= value) j++;
    distance = Math.max(distance, Math.abs(i / a.length - j / b.length));
  }
  return distance;
}

/** A histogram from weighted observations: `weights[k]` is how many times `values[k]` occurred. */
export function expandWeighted(values: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(sum(weights));
  let k = 0;
  for (let i = 0; i < values.length; i++) for (let n = 0; n < weights[i]!; n++) out[k++] = values[i]!;
  return out;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}
