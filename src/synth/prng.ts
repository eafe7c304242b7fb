/**
 * A small seeded pseudo-random generator (mulberry32) and the draws the generator needs. Plain
 * functions: the same seed gives the same sequence on every platform, which is what makes the
 * generated files byte-identical from run to run.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: 32 bits of state, period 2^32, good enough for test data and fast. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for one independent stream (`stream` names it) derived from the user's seed. */
export function deriveSeed(seed: number, stream: number): number {
  // splitmix32-style mixing of the pair, so neighbouring seeds give unrelated streams.
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A standard normal draw (Box–Muller; one of the pair is dropped for simplicity). */
export function normal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A log-normal draw with the given median and log-scale spread. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** The index `i` with `cumulative[i - 1] <= u * total < cumulative[i]` (binary search). */
export function pickCumulative(
  cumulative: Float64Array,
  random: Random,
  from = 0,
  to = cumulative.length,
): number {
  const base = from === 0 ? 0 : cumulative[from - 1]!;
  const target = base + random() * (cumulative[to - 1]! - base);
  let low = from;
  let high = to - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return low;
}
