import { z } from 'zod';
import { bytesPerElement, DTYPES, dtypeOfArray, isDType, viewAs, type DType, type TypedArrayOf } from '../wire/dtype';
import { rawPartParams } from '../wire/raw-values';
import { isTensor, type Tensor as TensorValue } from '../wire/tensor-value';
import { isBinaryPart, markIoKind } from './io-kind';
import { elementCount } from './nested-arrays';
import { readJsonTensor } from './tensor-json';

export { isTensor };

/**
 * A dense n-dimensional array: `data` holds the elements in row-major order. Its fields are
 * declared in wire/, beside the codecs that carry it (the client needs nothing of the SDK's
 * runtime); this is the name users import.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tensor<D extends DType = DType> extends TensorValue<D> {}

/** One element of a tensor given as nested arrays (int64 elements may be strings or bigints). */
export type TensorElement = number | bigint | boolean | string;
/** Nested arrays of elements, one level per dimension. */
export type NestedArray = readonly (TensorElement | NestedArray)[];

/**
 * What a `Tensor({ dtype })` field accepts from a caller: a `Tensor`, a flat TypedArray of the
 * dtype (shaped by the schema's shape), nested arrays, or `{ dtype?, shape?, data }` with nested data.
 */
export type TensorInput<D extends DType = DType> =
  | Tensor<D>
  | TypedArrayOf<D>
  | NestedArray
  | { dtype?: D; shape?: readonly number[]; data: NestedArray };

/** Options of `Tensor()`: the dtype, and the shape with `-1` for a dimension of any size. */
export interface TensorOptions<D extends DType> {
  dtype: D;
  shape?: readonly number[];
}


function shapeMatches(expected: readonly number[] | undefined, actual: readonly number[]): boolean {
  if (!expected) return true;
  return expected.length === actual.length && expected.every((d, i) => d === -1 || d === actual[i]);
}

/** Fills the one `-1` of `shape` from an element count, when it divides evenly. */
function resolveShape(shape: readonly number[] | undefined, elements: number): number[] | undefined {
  if (!shape) return [elements];
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown === 0) return [...shape];
  if (unknown > 1) return undefined;
  const known = elementCount(shape.filter((d) => d !== -1));
  if (known === 0 || elements % known !== 0) return undefined;
  return shape.map((d) => (d === -1 ? elements / known : d));
}

/** "a float32 tensor", "an int8 tensor". */
function aTensorOf(dtype: DType): string {
  return `${dtype.startsWith('int') ? 'an' : 'a'} ${dtype} tensor`;
}

function toTensor<D extends DType>(value: unknown, options: TensorOptions<D>, ctx: z.RefinementCtx): Tensor<D> {
  const { dtype } = options;
  const want = `${aTensorOf(dtype)}${options.shape ? ` of shape [${options.shape.join(', ')}]` : ''}`;
  // `path` is below the tensor's own, so that a 400's details name the element that was wrong.
  const fail = (why: string, path: Array<string | number> = []): never => {
    ctx.addIssue({ code: 'custom', message: `Expected ${want}: ${why}`, path });
    return z.NEVER as never;
  };
  let tensor: Tensor<D>;
  if (isTensor(value)) {
    if (value.dtype !== dtype) return fail(`received dtype ${value.dtype}`);
    // A Float64Array labelled int8 would reach the model as whatever its bytes happen to be.
    if (!(value.data instanceof DTYPES[dtype])) return fail(`its data is ${value.data.constructor.name}, where ${dtype} needs ${DTYPES[dtype].name}`);
    if (value.data.length !== elementCount(value.shape)) return fail(`data has ${value.data.length} elements, shape [${value.shape}] needs ${elementCount(value.shape)}`);
    tensor = value as Tensor<D>;
  } else if (isBinaryPart(value)) {
    const params = rawPartParams(value.contentType);
    if (params.dtype && params.dtype !== dtype) return fail(`the part says dtype ${params.dtype}`);
    if (value.data.byteLength % bytesPerElement(dtype) !== 0) return fail(`${value.data.byteLength} bytes is not a whole number of ${dtype} elements`);
    const elements = value.data.byteLength / bytesPerElement(dtype);
    const shape = params.shape ?? resolveShape(options.shape, elements);
    if (!shape || shape.some((d) => !Number.isInteger(d) || d < 0)) return fail('the part gives no usable shape (add "; shape=2,3" to its content type)');
    if (elementCount(shape) !== elements) return fail(`${elements} elements do not fill shape [${shape.join(', ')}]`);
    tensor = { dtype, shape, data: viewAs(dtype, value.data) };
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    // A TypedArray is the binary form: float16 as its raw bit patterns, taken as they are.
    const actual = dtypeOfArray(value);
    const compatible = actual === dtype || (actual === 'uint8' && dtype === 'bool') || (actual === 'uint16' && dtype === 'float16');
    if (!compatible) return fail(`received a ${value.constructor.name}`);
    const shape = resolveShape(options.shape, (value as TypedArrayOf<D>).length);
    if (!shape) return fail(`a flat array of ${(value as TypedArrayOf<D>).length} elements does not fit`);
    tensor = { dtype, shape, data: value as TypedArrayOf<D> };
  } else {
    const read = readJsonTensor(dtype, value);
    if ('message' in read) return fail(read.message, read.path);
    tensor = { dtype, shape: read.shape, data: read.data };
  }
  if (!shapeMatches(options.shape, tensor.shape)) return fail(`received shape [${tensor.shape.join(', ')}]`);
  return tensor;
}

/**
 * A tensor input or output with a checked dtype and shape (`-1` for any size). Accepted as nested
 * JSON arrays, as `{ dtype, shape, data }`, or as a binary multipart part of raw little-endian bytes
 * (`Content-Type: application/octet-stream; shape=1,3,224,224`).
 *
 * @example
 * ```ts
 * @api({ input: z.object({ x: Tensor({ dtype: 'float32', shape: [-1, 3] }) }) })
 * async norm({ x }: { x: Tensor<'float32'> }) { ... }
 * ```
 */
export function Tensor<D extends DType>(options: TensorOptions<D>): z.ZodType<Tensor<D>, TensorInput<D>> {
  if (!isDType(options?.dtype)) {
    throw new TypeError(`Expected a dtype (one of ${Object.keys(DTYPES).join(', ')}) for Tensor() but received ${String(options?.dtype)}`);
  }
  if (options.shape && !options.shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new TypeError(`Expected a shape of integers (-1 for any size) for Tensor() but received [${options.shape.join(', ')}]`);
  }
  const schema = z.unknown().transform((value, ctx) => toTensor(value, options, ctx));
  // The runtime accepts anything and says what was wrong; the declared input is what callers may send.
  return markIoKind(schema, { kind: 'tensor', dtype: options.dtype, shape: options.shape }) as unknown as z.ZodType<Tensor<D>, TensorInput<D>>;
}
