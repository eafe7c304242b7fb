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

/** Each array kind a model can store, by its name in the header. */
interface ArrayKinds {
  i32: Int32Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
  f32: Float32Array;
  f64: Float64Array;
}

export type NumericArray = ArrayKinds[keyof ArrayKinds];

type ArrayType = keyof ArrayKinds;

type ArrayConstructor<T> = {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: { [K in ArrayType]: ArrayConstructor<ArrayKinds[K]> } = {
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
  f32: Float32Array,
  f64: Float64Array,
};

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
  return new CONSTRUCTORS[type](length);
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeModel(header: ModelHeader, arrays: Record<string, NumericArray>): Uint8Array {
  return joinChunks(modelChunks(header, arrays));
}

/**
 * encodeModel's bytes as chunks to write one after another: the header, then each array as a view
 * of its own bytes, with the zero padding that aligns the next. Written out chunk by chunk, a large
 * model (an EASE B of m² floats) needs no second copy of its arrays.
 */
export function modelChunks(header: ModelHeader, arrays: Record<string, NumericArray>): Uint8Array[] {
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
  const head = new Uint8Array(align8(8 + json.length));
  head.set(MAGIC, 0);
  new DataView(head.buffer).setUint32(4, json.length, true);
  head.set(json, 8);
  const chunks: Uint8Array[] = [head];
  for (const entry of entries) {
    const array = arrays[entry.name]!;
    chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const padding = align8(array.byteLength) - array.byteLength;
    if (padding > 0) chunks.push(new Uint8Array(padding));
  }
  return chunks;
}

/** `chunks` one after another in one new array. */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((bytes, chunk) => bytes + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A model that can hand its serialized bytes over as chunks (see modelChunks). */
export interface ChunkedSerialize {
  serializeChunks(): Uint8Array[];
}

/** A fitted model's serialized bytes as chunks: views of its arrays where the model offers them. */
export function serializedChunks(
  model: { serialize(): Uint8Array } & Partial<ChunkedSerialize>,
): Uint8Array[] {
  return model.serializeChunks ? model.serializeChunks() : [model.serialize()];
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
    const ctor = CONSTRUCTORS[entry.type];
    const start = bodyStart + entry.offset;
    const byteLength = entry.length * ctor.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) throw new Error(`truncated model array "${entry.name}"`);
    // A view of the caller's bytes where they are aligned (arrays sit at multiples of 8 from the
    // model's start): a loaded model is then the artifact's own memory, held once; else a copy.
    const absolute = bytes.byteOffset + start;
    if (absolute % 8 === 0 && bytes.buffer instanceof ArrayBuffer) {
      arrays[entry.name] = new ctor(bytes.buffer, absolute, entry.length);
    } else {
      const array = allocate(entry.type, entry.length);
      new Uint8Array(array.buffer).set(bytes.subarray(start, start + byteLength));
      arrays[entry.name] = array;
    }
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

/**
 * The arrays a model stores, each name with its kind, in the order they are written (the bytes of
 * an artifact depend on that order: only ever append).
 */
export type ArrayFields = Readonly<Record<string, ArrayType>>;

/** The arrays `fields` declares, typed by their kinds. */
export type ArraysOf<F extends ArrayFields> = { -readonly [K in keyof F]: ArrayKinds[F[K]] };

/** The name an array is stored under: its field name, or prefix + FieldName for a part of a model. */
function storedName(field: string, prefix: string): string {
  return prefix === '' ? field : prefix + field.charAt(0).toUpperCase() + field.slice(1);
}

/** Fresh arrays for `fields`: empty, or of the length `lengths` gives (e.g. 1 for a CSR pointer). */
export function emptyArrays<F extends ArrayFields>(
  fields: F,
  lengths: Partial<Record<keyof F, number>> = {},
): ArraysOf<F> {
  const out: Record<string, NumericArray> = {};
  for (const [name, kind] of Object.entries(fields)) out[name] = allocate(kind, lengths[name] ?? 0);
  return out as ArraysOf<F>;
}

/** `source`'s arrays in the order of `fields`, under their stored names: the arrays argument of encodeModel. */
export function pickArrays<F extends ArrayFields>(
  source: ArraysOf<F>,
  fields: F,
  prefix = '',
): Record<string, NumericArray> {
  const out: Record<string, NumericArray> = {};
  for (const name of Object.keys(fields)) out[storedName(name, prefix)] = source[name as keyof F];
  return out;
}

/** The arrays `fields` declares, read back from a decoded model and checked to be of their kinds. */
export function takeArrays<F extends ArrayFields>(
  decoded: DecodedModel,
  fields: F,
  prefix = '',
): ArraysOf<F> {
  const out: Record<string, NumericArray> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const ctor: new (length: number) => NumericArray = CONSTRUCTORS[kind];
    out[name] = takeArray(decoded, storedName(name, prefix), ctor);
  }
  return out as ArraysOf<F>;
}
