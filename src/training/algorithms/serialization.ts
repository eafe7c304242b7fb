/**
 * One binary layout for every fitted model:
 *
 *   bytes 0..3   magic "MRM1"
 *   bytes 4..7   header length H (uint32, little endian)
 *   bytes 8..8+H UTF-8 JSON header: { algorithm, params, meta, arrays: [{ name, type, length, offset }] }
 *   then the typed arrays' bytes, each starting at an 8-byte aligned offset (relative to the body start,
 *   which is itself 8-byte aligned).
 *
 * Everything is little endian (the platform order of every machine Node runs on here).
 */

export type NumericArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array | Float64Array;

type ArrayType = 'i32' | 'u32' | 'u16' | 'u8' | 'f32' | 'f64';

interface ArrayEntry {
  name: string;
  type: ArrayType;
  length: number;
  offset: number;
}

export interface ModelHeader {
  algorithm: string;
  params: Record<string, number | string | boolean>;
  /** Small scalars a model needs besides its arrays (counts, sizes). */
  meta: Record<string, number | string | boolean>;
}

export interface DecodedModel extends ModelHeader {
  arrays: Record<string, NumericArray>;
}

const MAGIC = [0x4d, 0x52, 0x4d, 0x31]; // "MRM1"

function typeOf(array: NumericArray): ArrayType {
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Float32Array) return 'f32';
  return 'f64';
}

function allocate(type: ArrayType, length: number): NumericArray {
  switch (type) {
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
    case 'u16':
      return new Uint16Array(length);
    case 'u8':
      return new Uint8Array(length);
    case 'f32':
      return new Float32Array(length);
    case 'f64':
      return new Float64Array(length);
  }
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeModel(header: ModelHeader, arrays: Record<string, NumericArray>): Uint8Array {
  const entries: ArrayEntry[] = [];
  let bodyLength = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries.push({ name, type: typeOf(array), length: array.length, offset: bodyLength });
    bodyLength = align8(bodyLength + array.byteLength);
  }
  const json = new TextEncoder().encode(
    JSON.stringify({
      algorithm: header.algorithm,
      params: header.params,
      meta: header.meta,
      arrays: entries,
    }),
  );
  const bodyStart = align8(8 + json.length);
  const out = new Uint8Array(bodyStart + bodyLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  for (const entry of entries) {
    const array = arrays[entry.name]!;
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), bodyStart + entry.offset);
  }
  return out;
}

/** The algorithm a serialized model was written by, read from its header alone. */
export function modelAlgorithm(bytes: Uint8Array): string {
  return readHeader(bytes).header.algorithm;
}

function readHeader(bytes: Uint8Array): {
  header: ModelHeader & { arrays: ArrayEntry[] };
  headerLength: number;
} {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a serialized model (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('truncated model header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as ModelHeader & {
    arrays: ArrayEntry[];
  };
  return { header, headerLength };
}

export function decodeModel(bytes: Uint8Array, expectedAlgorithm?: string): DecodedModel {
  const { header: parsed, headerLength } = readHeader(bytes);
  if (expectedAlgorithm !== undefined && parsed.algorithm !== expectedAlgorithm) {
    throw new Error(`serialized model is "${parsed.algorithm}", expected "${expectedAlgorithm}"`);
  }
  const bodyStart = align8(8 + headerLength);
  const arrays: Record<string, NumericArray> = {};
  for (const entry of parsed.arrays) {
    const array = allocate(entry.type, entry.length);
    const start = bodyStart + entry.offset;
    if (start + array.byteLength > bytes.length) throw new Error(`truncated model array "${entry.name}"`);
    // Copy (rather than view) so the arrays are aligned whatever the caller's buffer offset.
    new Uint8Array(array.buffer).set(bytes.subarray(start, start + array.byteLength));
    arrays[entry.name] = array;
  }
  return { algorithm: parsed.algorithm, params: parsed.params, meta: parsed.meta, arrays };
}

/** The named array of a decoded model, checked to be of the expected kind. */
export function takeArray<T extends NumericArray>(
  decoded: DecodedModel,
  name: string,
  ctor: { new (length: number): T },
): T {
  const array = decoded.arrays[name];
  if (!(array instanceof ctor)) throw new Error(`serialized model lacks array "${name}"`);
  return array;
}
