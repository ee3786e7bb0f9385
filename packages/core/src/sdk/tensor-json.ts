import type { DType, TypedArrayOf } from '../wire/dtype';
import { elementCount, MAX_DIMS, nestedShape } from './nested-arrays';
import { elementsOf } from './tensor-elements';

/** A tensor read from JSON. */
export interface JsonTensor<D extends DType> {
  shape: number[];
  data: TypedArrayOf<D>;
}

/** Why a JSON tensor was refused, and where, relative to the tensor itself (`[1, 0]`, `['data', 3]`). */
export interface JsonTensorProblem {
  path: Array<string | number>;
  message: string;
}

function isShape(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_DIMS &&
    value.every((d) => Number.isInteger(d) && d >= 0)
  );
}

/** The `{ dtype?, shape?, data }` form, as opposed to bare nested arrays. */
function isDataObject(
  value: unknown,
): value is { dtype?: unknown; shape?: unknown; data: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value;
}

function notArrays(value: unknown, path: string[]): JsonTensorProblem {
  return {
    path,
    message: `received ${value === null ? 'null' : typeof value}; send nested arrays, {dtype, shape, data} or a binary part`,
  };
}

/** Nested arrays as a tensor of their own shape; problems have `prefix` in front of their path. */
function readNested<D extends DType>(
  dtype: D,
  nested: unknown,
  prefix: string[],
  declared?: number[],
): JsonTensor<D> | JsonTensorProblem {
  const shape = nestedShape(nested);
  if (!Array.isArray(shape)) return { path: [...prefix, ...shape.path], message: shape.message };
  // Compared before the elements are read: a wrong count is refused without converting anything.
  if (declared && elementCount(shape) !== elementCount(declared)) {
    return {
      path: [],
      message: `${elementCount(shape)} elements do not fill shape [${declared.join(', ')}]`,
    };
  }
  const data = elementsOf(dtype, nested, shape);
  if (!ArrayBuffer.isView(data)) return { path: [...prefix, ...data.path], message: data.message };
  return { shape: declared ?? shape, data };
}

/**
 * A tensor from its JSON forms: nested arrays (`[[1, 2], [3, 4]]`), or `{ dtype?, shape?, data }`
 * with `data` nested or flat. Elements are converted exactly or refused: integers in range for
 * integer dtypes, numbers rounded to the nearest float for float dtypes (float16 included).
 */
export function readJsonTensor<D extends DType>(
  dtype: D,
  value: unknown,
): JsonTensor<D> | JsonTensorProblem {
  if (!isDataObject(value))
    return Array.isArray(value) ? readNested(dtype, value, []) : notArrays(value, []);
  if (value.dtype !== undefined && value.dtype !== dtype)
    return { path: ['dtype'], message: `received dtype ${String(value.dtype)}` };
  if (value.shape === undefined)
    return Array.isArray(value.data)
      ? readNested(dtype, value.data, ['data'])
      : notArrays(value.data, ['data']);
  if (!isShape(value.shape))
    return {
      path: ['shape'],
      message: `shape must be an array of non-negative integers, at most ${MAX_DIMS} of them`,
    };
  // With a shape, `data` may be flat, nested any way that holds the right count, or one scalar for shape [].
  return readNested(dtype, value.data, ['data'], value.shape);
}
