import {
  decodeModel,
  emptyArrays,
  encodeModel,
  joinChunks,
  modelChunks,
  pickArrays,
  takeArray,
  takeArrays,
} from './serialization.js';

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

  it('gives the same bytes as chunks, each array a view of its own memory rather than a copy', () => {
    const header = { algorithm: 'test', params: { a: 1 }, meta: {} };
    const odd = Uint8Array.from([1, 2, 3]);
    const wide = Float64Array.from([0.5, -2]);
    const chunks = modelChunks(header, { odd, wide, none: new Int32Array(0) });
    expect(Array.from(joinChunks(chunks))).toEqual(
      Array.from(encodeModel(header, { odd, wide, none: new Int32Array(0) })),
    );
    expect(
      chunks.filter((chunk) => chunk.buffer === odd.buffer || chunk.buffer === wide.buffer),
    ).toHaveLength(2);
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

describe('declared model arrays', () => {
  const FIELDS = { ptr: 'i32', weights: 'f32', mask: 'u32', flags: 'u8' } as const;

  it('makes empty arrays of each kind, or of the given length', () => {
    const empty = emptyArrays(FIELDS, { ptr: 1 });
    expect(empty.ptr).toEqual(new Int32Array(1));
    expect(empty.weights).toEqual(new Float32Array(0));
    expect(empty.mask).toEqual(new Uint32Array(0));
    expect(empty.flags).toEqual(new Uint8Array(0));
  });

  it('writes the arrays in the declared order, under a prefix when given, and reads them back', () => {
    const source = {
      flags: Uint8Array.from([1]),
      mask: Uint32Array.from([7]),
      weights: Float32Array.from([0.5, 0.25]),
      ptr: Int32Array.from([0, 2]),
    };
    expect(Object.keys(pickArrays(source, FIELDS))).toEqual(['ptr', 'weights', 'mask', 'flags']);
    const arrays = pickArrays(source, FIELDS, 'part');
    expect(Object.keys(arrays)).toEqual(['partPtr', 'partWeights', 'partMask', 'partFlags']);
    expect(arrays['partWeights']).toBe(source.weights);
    const decoded = decodeModel(encodeModel({ algorithm: 'x', params: {}, meta: {} }, arrays));
    expect(decoded.arrays['partPtr']).toEqual(source.ptr);
    const back = takeArrays(decoded, FIELDS, 'part');
    expect(back).toEqual(source);
    expect(back.mask).toBeInstanceOf(Uint32Array);
  });

  it('refuses a missing array or one of another kind', () => {
    const bytes = encodeModel(
      { algorithm: 'x', params: {}, meta: {} },
      {
        ptr: new Int32Array(1),
        weights: new Float64Array(1),
        mask: new Uint32Array(0),
        flags: new Uint8Array(0),
      },
    );
    expect(() => takeArrays(decodeModel(bytes), FIELDS)).toThrow(/lacks array "weights"/);
    expect(() => takeArrays(decodeModel(bytes), FIELDS, 'part')).toThrow(/lacks array "partPtr"/);
  });
});
