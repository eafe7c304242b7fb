import { tinyData } from './fixtures.js';
import { buildInteractionData } from './test-data.js';
import {
  fitTransitions,
  timeOrderedEntries,
  transitionParamProblems,
  type TransitionParams,
} from './transitions.js';

function rowOf(t: ReturnType<typeof fitTransitions>, i: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = t.ptr[i]!; x < t.ptr[i + 1]!; x++) out.push([t.items[x]!, t.weights[x]!]);
  return out;
}

describe('timeOrderedEntries', () => {
  it('orders each user by time, ties by item index', () => {
    // u0 rated i2 at t5, i0 and i1 both at t3; u1 rated i1 at t1.
    const data = buildInteractionData([
      [0, 2, 4, 5],
      [0, 1, 4, 3],
      [0, 0, 4, 3],
      [1, 1, 4, 1],
    ]);
    const order = timeOrderedEntries(data);
    expect(Array.from(order, (e) => data.userItems[e])).toEqual([0, 1, 2, 1]);
  });
});

describe('fitTransitions', () => {
  // Sequences (fixtures.ts): u0 i0→i1→i2, u1 i0→i1→i3, u2 i0→i2, u3 i1→i4.
  const data = tinyData();

  it('links each item to the next `window` items of the same user, decayed and row-normalised', () => {
    const t = fitTransitions(data, { window: 2, decay: 0.5, neighbours: 10 });
    // i0: i1 (1 + 1), i2 (0.5 + 1), i3 (0.5); total 4.
    expect(rowOf(t, 0).map(([j]) => j)).toEqual([1, 2, 3]);
    rowOf(t, 0).forEach(([, w], x) => expect(w).toBeCloseTo([0.5, 0.375, 0.125][x]!, 6));
    // i1: i2, i3, i4 once each (ties by index); nothing follows i2, i3 or i4.
    expect(rowOf(t, 1).map(([j]) => j)).toEqual([2, 3, 4]);
    rowOf(t, 1).forEach(([, w]) => expect(w).toBeCloseTo(1 / 3, 6));
    for (const i of [2, 3, 4]) expect(rowOf(t, i)).toEqual([]);
  });

  it('looks only `window` steps ahead', () => {
    const t = fitTransitions(data, { window: 1, decay: 0.5, neighbours: 10 });
    expect(rowOf(t, 0).map(([j]) => j)).toEqual([1, 2]);
    rowOf(t, 0).forEach(([, w], x) => expect(w).toBeCloseTo([2 / 3, 1 / 3][x]!, 6));
  });

  it('keeps the strongest `neighbours`, still as shares of the whole row', () => {
    const t = fitTransitions(data, { window: 2, decay: 0.5, neighbours: 2 });
    expect(rowOf(t, 0).map(([j]) => j)).toEqual([1, 2]);
    rowOf(t, 0).forEach(([, w], x) => expect(w).toBeCloseTo([0.5, 0.375][x]!, 6));
  });
});

describe('transitionParamProblems', () => {
  it('accepts a good set and no parameters', () => {
    expect(transitionParamProblems({ window: 1, decay: 1, neighbours: 1 })).toEqual([]);
    expect(transitionParamProblems({ window: 200, decay: 0.97, neighbours: 200 })).toEqual([]);
    expect(transitionParamProblems({})).toEqual([]);
  });

  it('names an unknown parameter', () => {
    expect(transitionParamProblems({ windows: 2 })).toEqual([
      'unknown parameter windows (known: window, decay, neighbours)',
    ]);
  });

  it('rejects negative, zero, fractional, NaN and non-numeric values', () => {
    expect(transitionParamProblems({ window: 0, decay: -0.5, neighbours: 1.5 })).toEqual([
      'window must be an integer >= 1, got 0',
      'decay must be > 0 and <= 1, got -0.5',
      'neighbours must be an integer >= 1, got 1.5',
    ]);
    expect(transitionParamProblems({ decay: NaN, window: '2' })).toEqual([
      'decay must be a finite number, got NaN',
      'window must be a number, got "2"',
    ]);
  });

  it('makes fitTransitions throw before fitting', () => {
    const bad: TransitionParams = { window: 2, decay: 1.5, neighbours: 10 };
    expect(() => fitTransitions(tinyData(), bad)).toThrow(
      'invalid transition parameters: decay must be > 0 and <= 1, got 1.5',
    );
  });
});
