/** The element types a Tensor can hold, and the TypedArray that stores each. */
export const DTYPES = {
  float32: Float32Array,
  float64: Float64Array,
  // Node 20 has no Float16Array: float16 is held and sent in binary as its raw 16-bit patterns
  // (float16.ts converts them to and from the numbers JSON carries).
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export type DType = keyof typeof DTYPES;

/** The TypedArray type of a dtype. */
export type TypedArrayOf<D extends DType> = InstanceType<(typeof DTYPES)[D]>;

export type AnyTypedArray = TypedArrayOf<DType>;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

export function bytesPerElement(dtype: DType): number {
  return DTYPES[dtype].BYTES_PER_ELEMENT;
}

/** The dtype whose TypedArray class made `array` (uint8 for a Uint8Array, float32 for Float32Array…). */
export function dtypeOfArray(array: ArrayBufferView): DType | undefined {
  for (const [dtype, ctor] of Object.entries(DTYPES)) {
    if (dtype === 'float16' || dtype === 'bool') continue;
    if (array instanceof ctor) return dtype as DType;
  }
  return undefined;
}

/**
 * A TypedArray view of `bytes` as `dtype`. A view when the bytes are aligned for the element size;
 * otherwise a copy, because TypedArrays cannot start at an unaligned offset.
 */
export function viewAs<D extends DType>(dtype: D, bytes: Uint8Array): TypedArrayOf<D> {
  const Ctor = DTYPES[dtype] as unknown as {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArrayOf<D>;
    BYTES_PER_ELEMENT: number;
  };
  const size = Ctor.BYTES_PER_ELEMENT;
  const length = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, length);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Ctor(copy.buffer, 0, length);
}
