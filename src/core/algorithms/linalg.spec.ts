import { denseWorkspace, inverseSpd, inverseSpdJs, linalgBackend, loadLinalgBackend } from './linalg.js';
import { inverseSpdWasm, type LinalgModule, loadWasmKernels } from './linalg-wasm.js';

/**
 * An EASE-like SPD matrix: the Gram matrix of a random binary users × items matrix (popular items
 * skewed, like ratings) plus λ on the diagonal. Smaller λ, worse conditioned.
 */
function easeLikeGram(n: number, lambda: number, seed: number): Float64Array {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0), s / 4_294_967_296);
  const g = new Float64Array(n * n);
  const perUser = Math.min(n, 20);
  for (let u = 0; u < 3 * n; u++) {
    const items = new Set<number>();
    for (let k = 0; k < perUser; k++) items.add(Math.floor(random() ** 2 * n));
    for (const a of items) for (const b of items) g[a * n + b]! += 1;
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  return g;
}

/** max |x − ref| / max |ref| over all entries. */
function relativeError(x: Float64Array, ref: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return diff / scale;
}

/** The committed kernels, but `inverse` broken or memory refused past `maxBytes`. */
function tampered(change: { wrongAnswers?: boolean; maxBytes?: number }): () => LinalgModule {
  return () => {
    const real = loadWasmKernels();
    return {
      instantiate(bytes) {
        if (change.maxBytes !== undefined && bytes > change.maxBytes) throw new RangeError('no memory');
        const instance = real.instantiate(bytes);
        if (!change.wrongAnswers) return instance;
        return { ...instance, kernels: { ...instance.kernels, inverse: () => -1 } };
      },
    };
  };
}

afterEach(() => {
  loadLinalgBackend();
});

describe('inverseSpd, wasm-simd backend', () => {
  it('is the backend in use on Node 20', () => {
    expect(linalgBackend()).toEqual({ name: 'wasm-simd' });
  });

  // Orders around the kernels' blocks (NB = 128, micro-tiles of 4, packed depth 256).
  it.each([1, 2, 3, 4, 5, 7, 64, 127, 128, 129, 255, 256, 257, 300])(
    'matches the JS code within 1e-12 (relative to the largest entry) at order %i',
    (n) => {
      for (const lambda of [1, 50]) {
        const a = easeLikeGram(n, lambda, n);
        const want = inverseSpdJs(a.slice(), n);
        const got = inverseSpdWasm(loadWasmKernels(), a.slice(), n)!;
        expect(relativeError(got, want)).toBeLessThan(1e-12);
        expect(relativeError(inverseSpd(a.slice(), n), want)).toBeLessThan(1e-12);
      }
    },
  );

  it('gives a symmetric inverse: A·A⁻¹ = I within 1e-9 at order 200', () => {
    const n = 200;
    const a = easeLikeGram(n, 10, 3);
    const inv = inverseSpd(a.slice(), n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(inv[i * n + j]).toBe(inv[j * n + i]);
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('refuses a matrix that is not positive definite as the JS code does', () => {
    const n = 140;
    const a = easeLikeGram(n, 5, 7);
    a[133 * n + 133] = -1;
    expect(() => inverseSpdJs(a.slice(), n)).toThrow(/not positive definite \(pivot 133: /);
    expect(() => inverseSpd(a.slice(), n)).toThrow(/not positive definite \(pivot 133: /);
    expect(() => inverseSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/pivot 1: -3\)/);
    expect(() => inverseSpd(Float64Array.from([NaN]), 1)).toThrow(/pivot 0: NaN\)/);
  });

  it('handles order 0', () => {
    expect(inverseSpd(new Float64Array(0), 0)).toEqual(new Float64Array(0));
  });
});

describe('inverseSpd, fallback to the JS code', () => {
  it('falls back when the kernels fail to load, and says why', () => {
    const chosen = loadLinalgBackend(() => {
      throw new Error('WebAssembly is not available in this runtime');
    });
    expect(chosen).toEqual({
      name: 'js',
      reason: 'WebAssembly SIMD kernels unavailable: WebAssembly is not available in this runtime',
    });
    expect(linalgBackend()).toBe(chosen);
    const n = 150;
    const a = easeLikeGram(n, 20, 11);
    expect(inverseSpd(a.slice(), n)).toEqual(inverseSpdJs(a.slice(), n));
  });

  it('falls back when the loaded kernels fail their self-check', () => {
    const chosen = loadLinalgBackend(tampered({ wrongAnswers: true }));
    expect(chosen.name).toBe('js');
    expect(chosen.reason).toMatch(/^WebAssembly SIMD kernels unavailable: self-check: entry 0 is /);
    const a = easeLikeGram(9, 2, 1);
    expect(inverseSpd(a.slice(), 9)).toEqual(inverseSpdJs(a.slice(), 9));
  });

  it('runs the JS code for an order whose memory the kernels cannot have', () => {
    expect(loadLinalgBackend(tampered({ maxBytes: 8 << 20 }))).toEqual({ name: 'wasm-simd' });
    const n = 300; // 0.7 MB of matrix and 4.6 MB of scratch: under the 8 MB
    const small = easeLikeGram(n, 20, 5);
    expect(relativeError(inverseSpd(small.slice(), n), inverseSpdJs(small.slice(), n))).toBeLessThan(1e-12);
    const m = 800; // 5.1 + 5.1 MB: refused, so the JS code's exact result
    const big = easeLikeGram(m, 20, 5);
    expect(inverseSpd(big.slice(), m)).toEqual(inverseSpdJs(big.slice(), m));
  });
});

describe('denseWorkspace', () => {
  it('inverts A + shift·I in place, bit for bit as inverseSpd of the shifted copy, on each backend', () => {
    const n = 37;
    const a = easeLikeGram(n, 0, 3);
    const shifted = a.slice();
    for (let i = 0; i < n; i++) shifted[i * n + i]! += 7;
    for (const load of [undefined, tampered({ wrongAnswers: true })]) {
      loadLinalgBackend(load);
      const workspace = denseWorkspace(n);
      workspace.matrix.set(a);
      workspace.invertShifted(7);
      expect(Array.from(workspace.matrix)).toEqual(Array.from(inverseSpd(shifted.slice(), n)));
    }
  });

  it('is JS arrays for an order whose memory the kernels cannot have', () => {
    loadLinalgBackend(tampered({ maxBytes: 8 << 20 }));
    const refused = denseWorkspace(800); // 5.1 + 5.1 MB: over the 8 MB
    const a = easeLikeGram(800, 20, 5);
    refused.matrix.set(a);
    refused.invertShifted(0);
    expect(refused.matrix).toEqual(inverseSpdJs(a.slice(), 800));
  });
});
