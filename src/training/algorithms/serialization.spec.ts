import { decodeModel, encodeModel, takeArray } from './serialization.js';

describe('model serialization', () => {
  it('round-trips the header and every kind of typed array', () => {
    const arrays = {
      a: Int32Array.from([1, -2, 3]),
      b: Float32Array.from([0.5, -1.25]),
      c: Float64Array.from([Math.PI]),
      d: Uint8Array.from([1, 2, 3, 4, 5]),
      e: Uint32Array.from([0xffffffff]),
      f: new Float32Array(0),
    };
    const bytes = encodeModel(
      { algorithm: 'x', params: { lambda: 2, mode: 'y', on: true }, meta: { n: 3 } },
      arrays,
    );
    // Decoding must not depend on the buffer being aligned.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const decoded = decodeModel(shifted.subarray(3), 'x');
    expect(decoded.params).toEqual({ lambda: 2, mode: 'y', on: true });
    expect(decoded.meta).toEqual({ n: 3 });
    for (const [name, array] of Object.entries(arrays)) {
      expect(decoded.arrays[name]).toEqual(array);
      expect(decoded.arrays[name]!.constructor).toBe(array.constructor);
    }
    expect(takeArray(decoded, 'a', Int32Array)).toEqual(arrays.a);
    expect(() => takeArray(decoded, 'a', Float32Array)).toThrow(/lacks array/);
  });

  it('rejects other bytes and another algorithm', () => {
    expect(() => decodeModel(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/magic/);
    const bytes = encodeModel({ algorithm: 'x', params: {}, meta: {} }, {});
    expect(() => decodeModel(bytes, 'y')).toThrow(/expected "y"/);
    expect(() =>
      decodeModel(
        encodeModel({ algorithm: 'x', params: {}, meta: {} }, { a: new Int32Array(4) }).subarray(0, 40),
      ),
    ).toThrow(/truncated/);
  });
});
