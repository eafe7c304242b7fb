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

/**
 * Memory for order n (the matrix, then the kernels' scratch), or undefined when it cannot be had
 * (past wasm32's 4 GiB, or the allocation fails): the caller then runs the JS code.
 */
function instanceFor(module: LinalgModule, n: number) {
  const work = Math.ceil((n * n * 8) / 64) * 64;
  try {
    const probe = module.instantiate(0).kernels;
    const instance = module.instantiate(work + probe.workBytes(n));
    return { ...instance, work };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * A⁻¹ of the SPD n×n matrix `a` (row-major, lower triangle read) with the kernels, written into `a`
 * and returned; undefined, with `a` untouched, when memory for order n cannot be had.
 */
export function inverseSpdWasm(module: LinalgModule, a: Float64Array, n: number): Float64Array | undefined {
  const inverse = shiftedInverseWasm(module, a, n, 0);
  if (!inverse) return undefined;
  a.set(inverse);
  return a;
}

/**
 * (A + shift·I)⁻¹ of the n×n matrix `a` (row-major, lower triangle read; A + shift·I SPD) with the
 * kernels, `a` untouched: a view of the kernels' memory (no copy back), or undefined when memory for
 * order n cannot be had.
 */
export function shiftedInverseWasm(
  module: LinalgModule,
  a: Float64Array,
  n: number,
  shift: number,
): Float64Array | undefined {
  if (n === 0) return new Float64Array(0);
  const instance = instanceFor(module, n);
  if (!instance) return undefined;
  const { kernels, buffer, work } = instance;
  const matrix = new Float64Array(buffer, 0, n * n);
  matrix.set(a.subarray(0, n * n));
  if (shift !== 0) for (let i = 0; i < n; i++) matrix[i * n + i]! += shift;
  const failed = kernels.inverse(n, 0, work);
  if (failed >= 0) {
    throw new Error(`matrix is not positive definite (pivot ${failed}: ${kernels.pivotValue()})`);
  }
  return matrix;
}

/** Sparse rows (a block of users' columns and weights) times a dense m×m Float32 B. */
export interface RowScorer {
  /** B, written by the caller before scoring. */
  readonly b: Float32Array;
  /** At most this many users and entries in one call of `score`. */
  readonly maxUsers: number;
  readonly maxEntries: number;
  /**
   * Row u of the result (u < users) is Σ_e weights[e]·B[cols[e], ·] over e in [ptr[u], ptr[u+1]),
   * weights all 1 when null, added in e order: users×m, a view valid until the next call.
   */
  score(ptr: Int32Array, cols: Int32Array, weights: Float32Array | null, users: number): Float64Array;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * A RowScorer on the kernels, B and the blocks in their memory; undefined when that memory cannot
 * be had (the caller then scores in JS).
 */
export function rowScorerWasm(
  module: LinalgModule,
  m: number,
  maxUsers: number,
  maxEntries: number,
): RowScorer | undefined {
  const at = { b: 0, out: align(m * m * 4) };
  const ptrAt = at.out + align(maxUsers * m * 8);
  const colsAt = ptrAt + align((maxUsers + 1) * 4);
  const weightsAt = colsAt + align(maxEntries * 4);
  let instance: ReturnType<LinalgModule['instantiate']>;
  try {
    instance = module.instantiate(weightsAt + align(maxEntries * 4));
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  const { kernels, buffer } = instance;
  const ptrView = new Int32Array(buffer, ptrAt, maxUsers + 1);
  const colsView = new Int32Array(buffer, colsAt, maxEntries);
  const weightsView = new Float32Array(buffer, weightsAt, maxEntries);
  return {
    b: new Float32Array(buffer, 0, m * m),
    maxUsers,
    maxEntries,
    score(ptr, cols, weights, users) {
      const entries = ptr[users]! - ptr[0]!;
      if (users > maxUsers || entries > maxEntries) throw new RangeError('block too large for the scorer');
      for (let u = 0; u <= users; u++) ptrView[u] = ptr[u]! - ptr[0]!;
      colsView.set(cols.subarray(ptr[0]!, ptr[users]!));
      if (weights) weightsView.set(weights.subarray(ptr[0]!, ptr[users]!));
      kernels.scoreRows(m, at.b, users, ptrAt, colsAt, weights ? weightsAt : 0, at.out);
      return new Float64Array(buffer, at.out, users * m);
    },
  };
}
