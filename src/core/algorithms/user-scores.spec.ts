import { denseWorkspaceJs, loadLinalgBackend } from './linalg.js';
import { denseWorkspaceWasm, loadWasmKernels } from './linalg-wasm.js';
import { easeWorkspace, FitUserScores, userRows } from './user-scores.js';

/** FitUserScores over the fixture's users, its B in the workspace. */
function fitScores(f: ReturnType<typeof fixture>, m: number, weights: Float32Array): FitUserScores {
  const rows = userRows(f.data, f.itemCol, weights);
  const workspace = easeWorkspace(m, rows);
  workspace.half.set(f.b);
  return new FitUserScores(m, rows, workspace.scorer());
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0), s / 4_294_967_296);
}

/** Users with histories of 0–`longest` items (popular ones skewed), some items without a column. */
function fixture(m: number, numUsers: number, longest: number, seed: number) {
  const random = lcg(seed);
  const numItems = m + 7;
  const userPtr = new Int32Array(numUsers + 1);
  const items: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const n = u % 5 === 0 ? 0 : Math.floor(random() * longest);
    for (let x = 0; x < n; x++) items.push(Math.floor(random() ** 2 * numItems));
    userPtr[u + 1] = items.length;
  }
  const itemCol = new Int32Array(numItems).fill(-1);
  for (let c = 0; c < m; c++) itemCol[(c * 7 + 3) % numItems] = c;
  const b = Float32Array.from({ length: m * m }, () => (random() - 0.5) * 0.02);
  const weights = Float32Array.from(items, () => random());
  return { data: { numUsers, userPtr, userItems: Int32Array.from(items) }, itemCol, b, weights };
}

/** Row by row, as the fit scored a user before FitUserScores. */
function oneByOne(f: ReturnType<typeof fixture>, m: number, u: number, weighted: boolean): Float64Array {
  const out = new Float64Array(m);
  for (let e = f.data.userPtr[u]!; e < f.data.userPtr[u + 1]!; e++) {
    const c = f.itemCol[f.data.userItems[e]!]!;
    if (c < 0) continue;
    const w = weighted ? f.weights[e]! : 1;
    for (let j = 0; j < m; j++) out[j]! += w * f.b[c * m + j]!;
  }
  return out;
}

afterEach(() => {
  loadLinalgBackend();
});

describe('FitUserScores', () => {
  // Orders around the kernels' 4-wide loop and their four-rows-at-once step.
  it.each([
    [1, false],
    [5, false],
    [37, true],
    [64, false],
    [130, true],
  ])('gives every user the bits of adding their rows one by one (m %i, weighted %s)', (m, weighted) => {
    const f = fixture(m, 300, 40, m);
    const scores = fitScores(f, m, weighted ? f.weights : new Float32Array(0));
    for (let u = 0; u < f.data.numUsers; u++) {
      expect(Array.from(scores.of(u)), `user ${u}`).toEqual(Array.from(oneByOne(f, m, u, weighted)));
    }
    // asked again out of order (a new block from there)
    expect(Array.from(scores.of(3))).toEqual(Array.from(oneByOne(f, m, 3, weighted)));
  });

  it('scores a user longer than a block on their own', () => {
    const m = 9;
    const f = fixture(m, 4, 70_000, 5);
    const scores = fitScores(f, m, new Float32Array(0));
    for (let u = 0; u < 4; u++)
      expect(Array.from(scores.of(u))).toEqual(Array.from(oneByOne(f, m, u, false)));
  });

  it('gives the same bits on the JS fallback', () => {
    loadLinalgBackend(() => {
      throw new Error('no kernels here');
    });
    const m = 37;
    const f = fixture(m, 100, 40, 9);
    const scores = fitScores(f, m, f.weights);
    for (let u = 0; u < 100; u++)
      expect(Array.from(scores.of(u))).toEqual(Array.from(oneByOne(f, m, u, true)));
  });
});

describe('RowScorer', () => {
  it('refuses a block larger than it was made for, on both backends', () => {
    const ptr = Int32Array.from([0, 3, 6]);
    const cols = Int32Array.from([0, 1, 2, 0, 1, 2]);
    for (const workspace of [denseWorkspaceJs(3, 2, 4), denseWorkspaceWasm(loadWasmKernels(), 3, 2, 4)!]) {
      const scorer = workspace.scorer();
      expect(() => scorer.score(ptr, cols, null, 2)).toThrow('block too large for the scorer');
      expect(scorer.score(ptr, cols, null, 1)).toHaveLength(3);
    }
  });
});
