/**
 * The allow-list of binary types that travel as frames. A frame's `type` in the header is looked up
 * here and nowhere else: a payload can only ever produce one of these views, never name a
 * constructor of its own choosing.
 */

/** Names of the binary types a frame may hold. */
export type FrameType =
  | 'Buffer'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int8Array'
  | 'Uint16Array'
  | 'Int16Array'
  | 'Uint32Array'
  | 'Int32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'BigInt64Array'
  | 'BigUint64Array'
  | 'DataView';

interface FrameKind {
  /** Bytes per element; a frame's byte length must be a multiple of it. */
  readonly elementBytes: number;
  /** A view of `byteLength` bytes of `buffer` at `byteOffset` (no copy). */
  readonly view: (
    buffer: ArrayBufferLike,
    byteOffset: number,
    byteLength: number,
  ) => ArrayBufferView;
}

function typed(Ctor: {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView;
  BYTES_PER_ELEMENT: number;
}): FrameKind {
  const size = Ctor.BYTES_PER_ELEMENT;
  return {
    elementBytes: size,
    view: (buffer, offset, bytes) => new Ctor(buffer, offset, bytes / size),
  };
}

// A Map, not an object literal, so that names like "__proto__" or "constructor" are just misses.
const KINDS: ReadonlyMap<string, FrameKind> = new Map<FrameType, FrameKind>([
  [
    'Buffer',
    { elementBytes: 1, view: (buffer, offset, bytes) => Buffer.from(buffer, offset, bytes) },
  ],
  ['Uint8Array', typed(Uint8Array)],
  ['Uint8ClampedArray', typed(Uint8ClampedArray)],
  ['Int8Array', typed(Int8Array)],
  ['Uint16Array', typed(Uint16Array)],
  ['Int16Array', typed(Int16Array)],
  ['Uint32Array', typed(Uint32Array)],
  ['Int32Array', typed(Int32Array)],
  ['Float32Array', typed(Float32Array)],
  ['Float64Array', typed(Float64Array)],
  ['BigInt64Array', typed(BigInt64Array)],
  ['BigUint64Array', typed(BigUint64Array)],
  [
    'DataView',
    { elementBytes: 1, view: (buffer, offset, bytes) => new DataView(buffer, offset, bytes) },
  ],
]);

/** The kind of frame named `type`, or undefined when the name is not on the allow-list. */
export function frameKind(type: unknown): FrameKind | undefined {
  return typeof type === 'string' ? KINDS.get(type) : undefined;
}

/**
 * The frame type that carries `view`, or undefined for a view this format does not know (for
 * example a Float16Array on a future Node). Buffer is checked first because it is a Uint8Array too
 * and should come back as a Buffer.
 */
export function frameTypeOf(view: ArrayBufferView): FrameType | undefined {
  if (Buffer.isBuffer(view)) return 'Buffer';
  if (view instanceof DataView) return 'DataView';
  // The TypedArray toStringTag getter reports the intrinsic type even for subclasses and is cheap.
  const tag = (view as unknown as { [Symbol.toStringTag]: unknown })[Symbol.toStringTag];
  return typeof tag === 'string' && tag !== 'Buffer' && tag !== 'DataView' && KINDS.has(tag)
    ? (tag as FrameType)
    : undefined;
}
