import { LINALG_WASM_BASE64 } from './linalg-wasm-bytes.js';

/**
 * The WebAssembly SIMD kernels of the SPD inverse (source: wasm/linalg.ts, AssemblyScript; the
 * module is committed as base64, so nothing is compiled at install). Only what linalg.ts needs of
 * the WebAssembly API is typed here: the project's TypeScript lib has no WebAssembly declarations.
 */

/** The module's exports (wasm/linalg.ts). */
interface LinalgKernels {
  /** A⁻¹ in place at byte offset `a`, scratch at `work`: -1, or the row whose pivot was not > 0. */
  inverse(n: number, a: number, work: number): number;
  /** Bytes of scratch `inverse` needs for order n. */
  workBytes(n: number): number;
  /** The failing pivot's value after `inverse` returned its row. */
  pivotValue(): number;
  /** out[u·m + j] = Σ_e w_e·B[cols[e]·m + j] for `users` users (CSR `ptr`, `cols`, f32 `weights` or 0 for 1): byte offsets. */
  scoreRows(
    m: number,
    b: number,
    users: number,
    ptr: number,
    cols: number,
    weights: number,
    out: number,
  ): void;
}

/** The compiled module: its kernels over fresh linear memory of at least `bytes` bytes. */
export interface LinalgModule {
  instantiate(bytes: number): { kernels: LinalgKernels; buffer: ArrayBuffer };
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const PAGE = 65_536;
/** wasm32 addresses 4 GiB at most. */
const MAX_BYTES = 65_536 * PAGE;

/** Compiles the committed module; throws when WebAssembly (or its SIMD) is not available. */
export function loadWasmKernels(): LinalgModule {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error('WebAssembly is not available in this runtime');
  const module = new api.Module(Uint8Array.from(atob(LINALG_WASM_BASE64), (c) => c.charCodeAt(0)));
  return {
    instantiate(bytes) {
      if (bytes > MAX_BYTES) throw new RangeError(`${bytes} bytes exceed WebAssembly's 4 GiB`);
      const memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
      const { exports } = new api.Instance(module, { env: { memory } });
      return { kernels: exports as unknown as LinalgKernels, buffer: memory.buffer };
    },
  };
}

/** Sparse rows (a block of users' columns and weights) times a dense m×m Float32 B. */
export interface RowScorer {
  /** At most this many users and entries in one call of `score`. */
  readonly maxUsers: number;
  readonly maxEntries: number;
  /**
   * Row u of the result (u < users) is Σ_e weights[e]·B[cols[e], ·] over e in [ptr[u], ptr[u+1]),
   * weights all 1 when null, added in e order: users×m, a view valid until the next call.
   */
  score(ptr: Int32Array, cols: Int32Array, weights: Float32Array | null, users: number): Float64Array;
}

/**
 * The dense work of one EASE fit in one block of memory: the m×m SPD matrix is written into
 * `matrix`, inverted there (with a shift on the diagonal), then read row by row into B in `half`
 * (the first half of the same bytes), which a RowScorer then multiplies users' rows by. One m×m
 * Float64 buffer for the Gram, its inverse and B together.
 */
export interface DenseWorkspace {
  readonly matrix: Float64Array;
  /** matrix ← (matrix + shift·I)⁻¹ (its lower triangle read); throws when not positive definite. */
  invertShifted(shift: number): void;
  /** m×m Float32 over the first half of `matrix`'s bytes. */
  readonly half: Float32Array;
  /** A RowScorer with `half` as B (written before the first call). */
  scorer(): RowScorer;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** A RowScorer that refuses a block of more than `maxUsers` users or `maxEntries` entries. */
export function boundedScorer(maxUsers: number, maxEntries: number, score: RowScorer['score']): RowScorer {
  return {
    maxUsers,
    maxEntries,
    score(ptr, cols, weights, users) {
      if (users > maxUsers || ptr[users]! - ptr[0]! > maxEntries)
        throw new RangeError('block too large for the scorer');
      return score(ptr, cols, weights, users);
    },
  };
}

/**
 * A DenseWorkspace of order m in the kernels' memory (the matrix, the inverse's scratch, then the
 * scorer's blocks of at most `maxUsers` users and `maxEntries` entries), or undefined when that
 * memory cannot be had (past wasm32's 4 GiB, or the allocation fails): the caller then runs the JS code.
 */
export function denseWorkspaceWasm(
  module: LinalgModule,
  m: number,
  maxUsers = 0,
  maxEntries = 0,
): DenseWorkspace | undefined {
  const work = align(m * m * 8);
  let instance: ReturnType<LinalgModule['instantiate']>;
  let scoring: number;
  try {
    const probe = module.instantiate(0).kernels;
    scoring = work + align(probe.workBytes(m));
    const blocks = align(maxUsers * m * 8) + align((maxUsers + 1) * 4) + 2 * align(maxEntries * 4);
    instance = module.instantiate(scoring + blocks);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  const { kernels, buffer } = instance;
  const matrix = new Float64Array(buffer, 0, m * m);
  const half = new Float32Array(buffer, 0, m * m);
  return {
    matrix,
    half,
    invertShifted(shift) {
      if (m === 0) return;
      if (shift !== 0) for (let i = 0; i < m; i++) matrix[i * m + i]! += shift;
      const failed = kernels.inverse(m, 0, work);
      if (failed >= 0) {
        throw new Error(`matrix is not positive definite (pivot ${failed}: ${kernels.pivotValue()})`);
      }
    },
    scorer() {
      const out = scoring;
      const ptrAt = out + align(maxUsers * m * 8);
      const colsAt = ptrAt + align((maxUsers + 1) * 4);
      const weightsAt = colsAt + align(maxEntries * 4);
      const ptrView = new Int32Array(buffer, ptrAt, maxUsers + 1);
      const colsView = new Int32Array(buffer, colsAt, maxEntries);
      const weightsView = new Float32Array(buffer, weightsAt, maxEntries);
      return boundedScorer(maxUsers, maxEntries, (ptr, cols, weights, users) => {
        for (let u = 0; u <= users; u++) ptrView[u] = ptr[u]! - ptr[0]!;
        colsView.set(cols.subarray(ptr[0]!, ptr[users]!));
        if (weights) weightsView.set(weights.subarray(ptr[0]!, ptr[users]!));
        kernels.scoreRows(m, 0, users, ptrAt, colsAt, weights ? weightsAt : 0, out);
        return new Float64Array(buffer, out, users * m);
      });
    },
  };
}

/**
 * A⁻¹ of the SPD n×n matrix `a` (row-major, lower triangle read) with the kernels, written into `a`
 * and returned; undefined, with `a` untouched, when memory for order n cannot be had.
 */
export function inverseSpdWasm(module: LinalgModule, a: Float64Array, n: number): Float64Array | undefined {
  if (n === 0) return a;
  const workspace = denseWorkspaceWasm(module, n);
  if (!workspace) return undefined;
  workspace.matrix.set(a.subarray(0, n * n));
  workspace.invertShifted(0);
  a.set(workspace.matrix);
  return a;
}
