// AssemblyScript (not TypeScript: compiled by `npm run build:wasm`, never by tsc) — the WebAssembly
// SIMD kernels of src/core/algorithms/linalg-wasm.ts. The module is small (a few KB) and committed
// as base64 in src/core/algorithms/linalg-wasm-bytes.ts, so `npm ci` compiles nothing;
// `npm run lint` checks that the committed bytes are this file's build.
//
// inverse(n, a, work): A⁻¹ in place for the symmetric positive-definite n×n matrix at `a` (row-major
// f64, lower triangle read), in three stages of n³/6 multiply-adds each, all blocked by NB around one
// packed GEMM whose 4×4 micro-kernel keeps eight f64x2 accumulators in registers:
//   1. A = L·Lᵀ (Cholesky, right-looking): factor the diagonal block, the panel below becomes
//      A21·L11⁻ᵀ, the trailing lower triangle loses L21·L21ᵀ;
//   2. W = L⁻¹ by block rows: W[I,I] = L_II⁻¹ =: T, W[I,J] = −(T·L[I, J..I))·W[J..I, J];
//   3. A⁻¹ = Wᵀ·W by block rows of its lower triangle, then mirrored.
// scoreRows(...): a block of users' sparse rows times the m×m f32 B of an EASE fit (f64 sums), so the
// fit ranks every known user at SIMD speed.
// No threads: a bundle fit already runs its two EASE fits in two worker threads on the two cores.

const NB: i32 = 128; // block of the three stages
const MR: i32 = 4; // micro-kernel rows
const NR: i32 = 4; // micro-kernel columns (two f64x2)
const KC: i32 = 256; // packed depth
const MC: i32 = 128; // packed rows of A
const NC: i32 = 2048; // packed columns of B

let apBuf: usize = 0; // MC×KC packed A
let bpBuf: usize = 0; // KC×NC packed B
let tBuf: usize = 0; // NB×NB inverse of a diagonal block
let edge: usize = 0; // MR×NR, a partial tile
let sBuf: usize = 0; // NB×n, a block row
let failedPivot: f64 = 0;

/** Bytes of scratch `inverse` needs at `work` for order n. */
export function workBytes(n: i32): usize {
  return (<usize>(MC * KC + KC * NC + NB * NB + MR * NR) + <usize>NB * <usize>n) << 3;
}

/** The value of the pivot that failed, after `inverse` returned its row. */
export function pivotValue(): f64 {
  return failedPivot;
}

function at(base: usize, i: i32, j: i32, ld: i32): usize {
  return base + ((<usize>i * <usize>ld + <usize>j) << 3);
}

/** apBuf ← the mc×kc block of A, A(i,p) at a + 8·(i·rsa + p·csa), in panels of MR rows (k-major, zero-padded). */
function packA(mc: i32, kc: i32, a: usize, rsa: i32, csa: i32): void {
  let dst = apBuf;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    for (let p = 0; p < kc; p++) {
      for (let q = 0; q < MR; q++) {
        store<f64>(
          dst,
          q < rows ? load<f64>(a + ((<usize>(ir + q) * <usize>rsa + <usize>p * <usize>csa) << 3)) : 0.0,
        );
        dst += 8;
      }
    }
  }
}

/** bpBuf ← the kc×nc block of B, B(p,j) at b + 8·(p·rsb + j·csb), in panels of NR columns (k-major, zero-padded). */
function packB(kc: i32, nc: i32, b: usize, rsb: i32, csb: i32): void {
  let dst = bpBuf;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    for (let p = 0; p < kc; p++) {
      const row = b + ((<usize>p * <usize>rsb + <usize>jr * <usize>csb) << 3);
      if (cols == NR && csb == 1) {
        v128.store(dst, v128.load(row));
        v128.store(dst, v128.load(row, 16), 16);
      } else {
        for (let q = 0; q < NR; q++) {
          const v = q < cols ? load<f64>(row + ((<usize>q * <usize>csb) << 3)) : 0.0;
          store<f64>(dst + ((<usize>q) << 3), v);
        }
      }
      dst += NR * 8;
    }
  }
}

/** The rows×cols (at most 4×4) tile at c (row stride ldc) = [tile if beta] + alpha·(packed A panel)·(packed B panel). */
function kernel(
  kc: i32,
  ap: usize,
  bp: usize,
  c: usize,
  ldc: i32,
  alpha: f64,
  beta: i32,
  rows: i32,
  cols: i32,
): void {
  let c00 = f64x2.splat(0);
  let c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0);
  let c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0);
  let c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0);
  let c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    ap += 32;
    bp += 32;
  }
  const al = f64x2.splat(alpha);
  if (rows == MR && cols == NR) {
    const ld = (<usize>ldc) << 3;
    let r = c;
    if (beta) {
      v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c00)));
      v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c01)), 16);
      r += ld;
      v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c10)));
      v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c11)), 16);
      r += ld;
      v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c20)));
      v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c21)), 16);
      r += ld;
      v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c30)));
      v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c31)), 16);
    } else {
      v128.store(r, f64x2.mul(al, c00));
      v128.store(r, f64x2.mul(al, c01), 16);
      r += ld;
      v128.store(r, f64x2.mul(al, c10));
      v128.store(r, f64x2.mul(al, c11), 16);
      r += ld;
      v128.store(r, f64x2.mul(al, c20));
      v128.store(r, f64x2.mul(al, c21), 16);
      r += ld;
      v128.store(r, f64x2.mul(al, c30));
      v128.store(r, f64x2.mul(al, c31), 16);
    }
    return;
  }
  v128.store(edge, f64x2.mul(al, c00));
  v128.store(edge, f64x2.mul(al, c01), 16);
  v128.store(edge, f64x2.mul(al, c10), 32);
  v128.store(edge, f64x2.mul(al, c11), 48);
  v128.store(edge, f64x2.mul(al, c20), 64);
  v128.store(edge, f64x2.mul(al, c21), 80);
  v128.store(edge, f64x2.mul(al, c30), 96);
  v128.store(edge, f64x2.mul(al, c31), 112);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const dst = at(c, i, j, ldc);
      const v = load<f64>(edge + ((<usize>(i * NR + j)) << 3));
      store<f64>(dst, beta ? load<f64>(dst) + v : v);
    }
  }
}

/**
 * C (m×nn at c, row stride ldc) = [C if beta] + alpha·A·B, A(i,p) at a + 8·(i·rsa + p·csa), B(p,j) at
 * b + 8·(p·rsb + j·csb). Each KC×NC block of B and MC×KC block of A is packed before C is written.
 */
function gemm(
  m: i32,
  nn: i32,
  k: i32,
  alpha: f64,
  a: usize,
  rsa: i32,
  csa: i32,
  b: usize,
  rsb: i32,
  csb: i32,
  beta: i32,
  c: usize,
  ldc: i32,
): void {
  if (m <= 0 || nn <= 0) return;
  if (k <= 0) {
    if (!beta) for (let i = 0; i < m; i++) memory.fill(at(c, i, 0, ldc), 0, (<usize>nn) << 3);
    return;
  }
  for (let jc = 0; jc < nn; jc += NC) {
    const nc = min(NC, nn - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + ((<usize>pc * <usize>rsb + <usize>jc * <usize>csb) << 3), rsb, csb);
      const bet = pc == 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, a + ((<usize>ic * <usize>rsa + <usize>pc * <usize>csa) << 3), rsa, csa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = bpBuf + ((<usize>jr * <usize>kc) << 3);
          for (let ir = 0; ir < mc; ir += MR) {
            const ap = apBuf + ((<usize>ir * <usize>kc) << 3);
            const rows = min(MR, mc - ir);
            kernel(kc, ap, bp, at(c, ic + ir, jc + jr, ldc), ldc, alpha, bet, rows, min(NR, nc - jr));
          }
        }
      }
    }
  }
}

/** Lower Cholesky of the b×b diagonal block at (k0,k0), in place: -1, or the row whose pivot is not > 0. */
function cholBlock(a: usize, n: i32, k0: i32, b: i32): i32 {
  for (let i = 0; i < b; i++) {
    const ri = at(a, k0 + i, k0, n);
    for (let j = 0; j <= i; j++) {
      const rj = at(a, k0 + j, k0, n);
      let s = load<f64>(ri + ((<usize>j) << 3));
      for (let k = 0; k < j; k++) s -= load<f64>(ri + ((<usize>k) << 3)) * load<f64>(rj + ((<usize>k) << 3));
      if (j == i) {
        if (!(s > 0)) {
          failedPivot = s;
          return k0 + i;
        }
        store<f64>(ri + ((<usize>i) << 3), Math.sqrt(s));
      } else {
        store<f64>(ri + ((<usize>j) << 3), s / load<f64>(rj + ((<usize>j) << 3)));
      }
    }
  }
  return -1;
}

/** tBuf (b×b, lower, zero above) = the inverse of the lower-triangular b×b block at (k0,k0). */
function invertBlock(a: usize, n: i32, k0: i32, b: i32): void {
  memory.fill(tBuf, 0, (<usize>b * <usize>b) << 3);
  for (let i = 0; i < b; i++) {
    const li = at(a, k0 + i, k0, n);
    const ti = tBuf + ((<usize>i * <usize>b) << 3);
    // T[i, j] = −(Σ_{k=j}^{i−1} L[i,k]·T[k,j]) / L[i,i]
    for (let k = 0; k < i; k++) {
      const c = load<f64>(li + ((<usize>k) << 3));
      const tk = tBuf + ((<usize>k * <usize>b) << 3);
      for (let j = 0; j <= k; j++) {
        const t = ti + ((<usize>j) << 3);
        store<f64>(t, load<f64>(t) - c * load<f64>(tk + ((<usize>j) << 3)));
      }
    }
    const inv = 1.0 / load<f64>(li + ((<usize>i) << 3));
    for (let j = 0; j < i; j++) store<f64>(ti + ((<usize>j) << 3), load<f64>(ti + ((<usize>j) << 3)) * inv);
    store<f64>(ti + ((<usize>i) << 3), inv);
  }
}

function copyBlock(rows: i32, cols: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  for (let i = 0; i < rows; i++) memory.copy(at(dst, i, 0, ldd), at(src, i, 0, lds), (<usize>cols) << 3);
}

/**
 * A⁻¹ in place for the SPD n×n matrix at `a` (its lower triangle is read), with workBytes(n) bytes
 * of scratch at `work`: -1, or the row whose pivot was not > 0 (its value: pivotValue()).
 */
export function inverse(n: i32, a: usize, work: usize): i32 {
  apBuf = work;
  bpBuf = apBuf + ((<usize>(MC * KC)) << 3);
  tBuf = bpBuf + ((<usize>(KC * NC)) << 3);
  edge = tBuf + ((<usize>(NB * NB)) << 3);
  sBuf = edge + ((<usize>(MR * NR)) << 3);
  // 1. Cholesky: the lower triangle becomes L (the diagonal blocks' upper parts get garbage).
  for (let k0 = 0; k0 < n; k0 += NB) {
    const kb = min(NB, n - k0);
    const failed = cholBlock(a, n, k0, kb);
    if (failed >= 0) return failed;
    const t0 = k0 + kb;
    const r = n - t0;
    if (r <= 0) break;
    invertBlock(a, n, k0, kb);
    gemm(r, kb, kb, 1.0, at(a, t0, k0, n), n, 1, tBuf, 1, kb, 0, sBuf, kb);
    copyBlock(r, kb, sBuf, kb, at(a, t0, k0, n), n);
    for (let i0 = t0; i0 < n; i0 += NB) {
      const ib = min(NB, n - i0);
      const l = at(a, t0, k0, n);
      gemm(ib, i0 + ib - t0, kb, -1.0, at(a, i0, k0, n), n, 1, l, 1, n, 1, at(a, i0, t0, n), n);
    }
  }
  for (let i = 0; i < n - 1; i++) memory.fill(at(a, i, i + 1, n), 0, (<usize>(n - i - 1)) << 3);
  // 2. W = L⁻¹ in place (stage 3 reads W's zero upper triangle as such).
  for (let i0 = 0; i0 < n; i0 += NB) {
    const ib = min(NB, n - i0);
    invertBlock(a, n, i0, ib);
    if (i0 > 0) {
      gemm(ib, i0, ib, 1.0, tBuf, ib, 1, at(a, i0, 0, n), n, 1, 0, sBuf, i0);
      for (let j0 = 0; j0 < i0; j0 += NB) {
        const jb = min(NB, i0 - j0);
        const s = sBuf + ((<usize>j0) << 3);
        gemm(ib, jb, i0 - j0, -1.0, s, i0, 1, at(a, j0, j0, n), n, 1, 0, at(a, i0, j0, n), n);
      }
    }
    copyBlock(ib, ib, tBuf, ib, at(a, i0, i0, n), n);
  }
  // 3. A⁻¹ = Wᵀ·W: block row I of its lower triangle = Wᵀ[I, I..n)·W[I..n, 0..I_end); later block
  //    rows read only W's rows past their own start, so each is written back as it is done.
  for (let a0 = 0; a0 < n; a0 += NB) {
    const ab = min(NB, n - a0);
    const w = a0 + ab;
    gemm(ab, w, n - a0, 1.0, at(a, a0, a0, n), 1, n, at(a, a0, 0, n), n, 1, 0, sBuf, w);
    copyBlock(ab, w, sBuf, w, at(a, a0, 0, n), n);
  }
  const T: i32 = 32;
  for (let i0 = 0; i0 < n; i0 += T) {
    for (let j0 = 0; j0 <= i0; j0 += T) {
      const iEnd = min(i0 + T, n);
      for (let i = i0; i < iEnd; i++) {
        const jEnd = min(j0 + T, i);
        for (let j = j0; j < jEnd; j++) store<f64>(at(a, j, i, n), load<f64>(at(a, i, j, n)));
      }
    }
  }
  return -1;
}

const ST: i32 = 2048; // columns of a scoring tile: one user's 4 KB of f64 sums stay in L1

/**
 * Sparse rows times a dense matrix, for `users` users at once: out[u·m + j] = Σ_e w_e · B[c_e·m + j]
 * over e in [ptr[u], ptr[u+1]), c_e = cols[e], w_e = weights[e] (f32) or 1 when `weights` is 0;
 * B is m×m f32, out users×m f64, both row-major. Column tile by column tile, so the rows of B a
 * block of users shares are read from cache rather than memory. Each sum adds its terms in e order
 * as the product w_e·B, exactly the scalar loop's arithmetic, so the results are bitwise the same.
 */
export function scoreRows(
  m: i32,
  b: usize,
  users: i32,
  ptr: usize,
  cols: usize,
  weights: usize,
  out: usize,
): void {
  for (let j0 = 0; j0 < m; j0 += ST) {
    const jn = min(ST, m - j0);
    const vec = jn & ~3;
    for (let u = 0; u < users; u++) {
      const o = out + ((<usize>u * <usize>m + <usize>j0) << 3);
      memory.fill(o, 0, (<usize>jn) << 3);
      const e1 = load<i32>(ptr + ((<usize>(u + 1)) << 2));
      for (let e = load<i32>(ptr + ((<usize>u) << 2)); e < e1; e++) {
        const row = b + ((<usize>load<i32>(cols + ((<usize>e) << 2)) * <usize>m + <usize>j0) << 2);
        if (weights == 0) {
          if (e + 3 < e1) {
            // four rows at once: the sums are loaded and stored once for four additions
            const r1 = b + ((<usize>load<i32>(cols + ((<usize>(e + 1)) << 2)) * <usize>m + <usize>j0) << 2);
            const r2 = b + ((<usize>load<i32>(cols + ((<usize>(e + 2)) << 2)) * <usize>m + <usize>j0) << 2);
            const r3 = b + ((<usize>load<i32>(cols + ((<usize>(e + 3)) << 2)) * <usize>m + <usize>j0) << 2);
            for (let j = 0; j < vec; j += 4) {
              const d = (<usize>j) << 2;
              const q = o + ((<usize>j) << 3);
              let lo = v128.load(q);
              let hi = v128.load(q, 16);
              lo = f64x2.add(lo, f64x2.promote_low_f32x4(v128.load64_zero(row + d)));
              hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.load64_zero(row + d, 8)));
              lo = f64x2.add(lo, f64x2.promote_low_f32x4(v128.load64_zero(r1 + d)));
              hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.load64_zero(r1 + d, 8)));
              lo = f64x2.add(lo, f64x2.promote_low_f32x4(v128.load64_zero(r2 + d)));
              hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.load64_zero(r2 + d, 8)));
              lo = f64x2.add(lo, f64x2.promote_low_f32x4(v128.load64_zero(r3 + d)));
              hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.load64_zero(r3 + d, 8)));
              v128.store(q, lo);
              v128.store(q, hi, 16);
            }
            for (let j = vec; j < jn; j++) {
              const q = o + ((<usize>j) << 3);
              const d = (<usize>j) << 2;
              store<f64>(
                q,
                load<f64>(q) +
                  <f64>load<f32>(row + d) +
                  <f64>load<f32>(r1 + d) +
                  <f64>load<f32>(r2 + d) +
                  <f64>load<f32>(r3 + d),
              );
            }
            e += 3;
            continue;
          }
          for (let j = 0; j < vec; j += 4) {
            const p = row + ((<usize>j) << 2);
            const q = o + ((<usize>j) << 3);
            v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(v128.load64_zero(p))));
            v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(v128.load64_zero(p, 8))), 16);
          }
          for (let j = vec; j < jn; j++) {
            const q = o + ((<usize>j) << 3);
            store<f64>(q, load<f64>(q) + <f64>load<f32>(row + ((<usize>j) << 2)));
          }
        } else {
          const w = <f64>load<f32>(weights + ((<usize>e) << 2));
          const wv = f64x2.splat(w);
          for (let j = 0; j < vec; j += 4) {
            const p = row + ((<usize>j) << 2);
            const q = o + ((<usize>j) << 3);
            const lo = f64x2.mul(wv, f64x2.promote_low_f32x4(v128.load64_zero(p)));
            const hi = f64x2.mul(wv, f64x2.promote_low_f32x4(v128.load64_zero(p, 8)));
            v128.store(q, f64x2.add(v128.load(q), lo));
            v128.store(q, f64x2.add(v128.load(q, 16), hi), 16);
          }
          for (let j = vec; j < jn; j++) {
            const q = o + ((<usize>j) << 3);
            store<f64>(q, load<f64>(q) + w * <f64>load<f32>(row + ((<usize>j) << 2)));
          }
        }
      }
    }
  }
}
