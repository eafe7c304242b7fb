import {
  boundedScorer,
  type DenseWorkspace,
  denseWorkspaceWasm,
  inverseSpdWasm,
  type LinalgModule,
  loadWasmKernels,
} from './linalg-wasm.js';

export type { DenseWorkspace, RowScorer } from './linalg-wasm.js';

/**
 * Dense symmetric positive-definite inverse over Float64Array, row-major, no BLAS.
 *
 * inverseSpd(A, n) = A⁻¹ via A = L·Lᵀ (Cholesky), W = L⁻¹, A⁻¹ = Wᵀ·W. Each stage costs n³/6
 * multiply-adds (n³/2 in all). Two backends compute it:
 * - `wasm-simd`: WebAssembly SIMD kernels (linalg-wasm.ts, source wasm/linalg.ts), the three stages
 *   blocked around one packed GEMM, about 3–4× the JS code's speed;
 * - `js`: the code below (inverseSpdJs), the fallback when the kernels cannot load (no WebAssembly,
 *   the module refused, or its self-check failing), and for an order whose memory the kernels
 *   cannot have (past wasm32's 4 GiB).
 * linalgBackend() tells which one is in use, and why the fallback when it is.
 *
 * inverseSpdJs: every inner loop runs over contiguous memory (a row), and each stage handles four
 * rows at once so a streamed row is loaded once for four of them (4× less memory traffic on
 * matrices far bigger than the caches).
 */

/** The backend inverseSpd uses in this thread; `reason` says why the JS fallback, when it is. */
export interface LinalgBackend {
  name: 'wasm-simd' | 'js';
  reason?: string;
}

let backend: LinalgBackend | undefined;
let kernels: LinalgModule | undefined;

/**
 * Loads the backend (again): the kernels from `load` (the committed module by default), checked on
 * a small matrix against inverseSpdJs; on any failure the JS code, with the reason. linalgBackend()
 * and inverseSpd() load the default once on first use; tests pass a failing `load`.
 */
export function loadLinalgBackend(load: () => LinalgModule = loadWasmKernels): LinalgBackend {
  try {
    const loaded = load();
    selfCheck(loaded);
    kernels = loaded;
    backend = { name: 'wasm-simd' };
  } catch (error) {
    kernels = undefined;
    const why = error instanceof Error ? error.message : String(error);
    backend = { name: 'js', reason: `WebAssembly SIMD kernels unavailable: ${why}` };
  }
  return backend;
}

/** The backend inverseSpd uses (loaded on first use). */
export function linalgBackend(): LinalgBackend {
  return backend ?? loadLinalgBackend();
}

/** The kernels' inverse of an SPD matrix of order 5 (not a multiple of any block) must match the JS code's. */
function selfCheck(module: LinalgModule): void {
  const n = 5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = 1 / (1 + i + j) + (i === j ? 1 : 0);
  }
  const want = inverseSpdJs(a.slice(), n);
  const got = inverseSpdWasm(module, a, n);
  if (!got) throw new Error('self-check: no memory for order 5');
  for (let i = 0; i < n * n; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 1e-12 * Math.abs(want[i]!) + 1e-15)) {
      throw new Error(`self-check: entry ${i} is ${got[i]}, the JS code's ${want[i]}`);
    }
  }
}

/**
 * A⁻¹ of a symmetric positive-definite n×n matrix (row-major; its lower triangle is read) with the
 * backend in use. `a` is destroyed; the result may be `a` itself (the wasm-simd backend writes it
 * there). Throws when the matrix is not positive definite.
 */
export function inverseSpd(a: Float64Array, n: number): Float64Array {
  linalgBackend();
  return (kernels && inverseSpdWasm(kernels, a, n)) ?? inverseSpdJs(a, n);
}

/**
 * A DenseWorkspace of order m with the backend in use: the kernels' memory (inverse and scoreRows,
 * about 6× the JS loop for scoring), else JS arrays. Both score with the same arithmetic in the same
 * order, so they give the same bits; their inverses agree to about 1e-14.
 */
export function denseWorkspace(m: number, maxUsers = 0, maxEntries = 0): DenseWorkspace {
  linalgBackend();
  const wasm = kernels && m > 0 ? denseWorkspaceWasm(kernels, m, maxUsers, maxEntries) : undefined;
  return wasm ?? denseWorkspaceJs(m, maxUsers, maxEntries);
}

/** The JS DenseWorkspace (see denseWorkspace). */
export function denseWorkspaceJs(m: number, maxUsers = 0, maxEntries = 0): DenseWorkspace {
  const matrix = new Float64Array(m * m);
  const half = new Float32Array(matrix.buffer, 0, m * m);
  return {
    matrix,
    half,
    invertShifted(shift) {
      for (let i = 0; i < m; i++) matrix[i * m + i]! += shift;
      matrix.set(inverseSpdJs(matrix, m));
    },
    scorer() {
      const out = new Float64Array(maxUsers * m);
      return boundedScorer(maxUsers, maxEntries, (ptr, cols, weights, users) => {
        out.fill(0, 0, users * m);
        for (let u = 0; u < users; u++) {
          const o = u * m;
          for (let e = ptr[u]!; e < ptr[u + 1]!; e++) {
            const rc = cols[e]! * m;
            const w = weights ? weights[e]! : 1;
            for (let j = 0; j < m; j++) out[o + j]! += w * half[rc + j]!;
          }
        }
        return out.subarray(0, users * m);
      });
    },
  };
}

/** In place: the lower triangle of `a` becomes L (a = L·Lᵀ); the upper triangle is zeroed. */
function choleskyInPlace(a: Float64Array, n: number): void {
  let i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    const r0 = i0 * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let j = 0; j < i0; j++) {
      const rj = j * n;
      let s0 = a[r0 + j]!;
      let s1 = a[r1 + j]!;
      let s2 = a[r2 + j]!;
      let s3 = a[r3 + j]!;
      for (let k = 0; k < j; k++) {
        const l = a[rj + k]!;
        s0 -= a[r0 + k]! * l;
        s1 -= a[r1 + k]! * l;
        s2 -= a[r2 + k]! * l;
        s3 -= a[r3 + k]! * l;
      }
      const d = a[rj + j]!;
      a[r0 + j] = s0 / d;
      a[r1 + j] = s1 / d;
      a[r2 + j] = s2 / d;
      a[r3 + j] = s3 / d;
    }
    for (let i = i0; i < i0 + 4; i++) choleskyRowTail(a, n, i, i0);
  }
  for (let i = i0; i < n; i++) choleskyRowTail(a, n, i, 0);
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
}

/** Entries (i, from..i) of L, once entries (i, 0..from-1) are done. */
function choleskyRowTail(a: Float64Array, n: number, i: number, from: number): void {
  const ri = i * n;
  for (let j = from; j <= i; j++) {
    const rj = j * n;
    let s = a[ri + j]!;
    for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
    if (j === i) {
      if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i}: ${s})`);
      a[ri + i] = Math.sqrt(s);
    } else {
      a[ri + j] = s / a[rj + j]!;
    }
  }
}

/** In place: lower-triangular L (upper part zero) becomes W = L⁻¹ (lower triangular). */
function invertLowerInPlace(a: Float64Array, n: number): void {
  // Row i of W: (e_i − Σ_{k<i} L[i,k]·W[k,:]) / L[i,i]. Rows are done four at a time; `t` keeps the
  // L entries of the rows being overwritten.
  const t = new Float64Array(4 * n);
  let i0 = 0;
  for (; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    for (let q = 0; q < rows; q++) {
      const ri = (i0 + q) * n;
      t.set(a.subarray(ri, ri + i0 + q + 1), q * n);
      a.fill(0, ri, ri + i0 + q + 1);
    }
    const r0 = i0 * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    if (rows === 4) {
      for (let k = 0; k < i0; k++) {
        const rk = k * n;
        const c0 = t[k]!;
        const c1 = t[n + k]!;
        const c2 = t[2 * n + k]!;
        const c3 = t[3 * n + k]!;
        for (let j = 0; j <= k; j++) {
          const w = a[rk + j]!;
          a[r0 + j]! -= c0 * w;
          a[r1 + j]! -= c1 * w;
          a[r2 + j]! -= c2 * w;
          a[r3 + j]! -= c3 * w;
        }
      }
    } else {
      for (let q = 0; q < rows; q++) {
        const ri = (i0 + q) * n;
        for (let k = 0; k < i0; k++) {
          const c = t[q * n + k]!;
          const rk = k * n;
          for (let j = 0; j <= k; j++) a[ri + j]! -= c * a[rk + j]!;
        }
      }
    }
    // Within the block, in order: finish row i0+q, then take it out of the later rows.
    for (let q = 0; q < rows; q++) {
      const i = i0 + q;
      const ri = i * n;
      a[ri + i]! += 1;
      const inv = 1 / t[q * n + i]!;
      for (let j = 0; j <= i; j++) a[ri + j]! *= inv;
      for (let q2 = q + 1; q2 < rows; q2++) {
        const c = t[q2 * n + i]!;
        const r2b = (i0 + q2) * n;
        for (let j = 0; j <= i; j++) a[r2b + j]! -= c * a[ri + j]!;
      }
    }
  }
}

/** out (full symmetric) = Wᵀ·W for lower-triangular W. `out` must be zero-filled, n×n. */
function gramOfLower(w: Float64Array, n: number, out: Float64Array): void {
  // out[a, 0..a] += Σ_k W[k,a]·W[k, 0..a] over k >= a, four k rows at a time.
  let k0 = 0;
  for (; k0 + 4 <= n; k0 += 4) {
    const w0 = k0 * n;
    const w1 = w0 + n;
    const w2 = w1 + n;
    const w3 = w2 + n;
    const top = k0 + 3;
    for (let a = 0; a <= top; a++) {
      const c0 = w[w0 + a]!;
      const c1 = w[w1 + a]!;
      const c2 = w[w2 + a]!;
      const c3 = w[w3 + a]!;
      const ra = a * n;
      for (let b = 0; b <= a; b++) {
        out[ra + b]! += c0 * w[w0 + b]! + c1 * w[w1 + b]! + c2 * w[w2 + b]! + c3 * w[w3 + b]!;
      }
    }
  }
  for (let k = k0; k < n; k++) {
    const wk = k * n;
    for (let a = 0; a <= k; a++) {
      const c = w[wk + a]!;
      if (c === 0) continue;
      const ra = a * n;
      for (let b = 0; b <= a; b++) out[ra + b]! += c * w[wk + b]!;
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[b * n + a] = out[a * n + b]!;
}

/** A⁻¹ of a symmetric positive-definite n×n matrix (row-major), in JS. `a` is destroyed. */
export function inverseSpdJs(a: Float64Array, n: number): Float64Array {
  choleskyInPlace(a, n);
  invertLowerInPlace(a, n);
  const out = new Float64Array(n * n);
  gramOfLower(a, n, out);
  return out;
}
