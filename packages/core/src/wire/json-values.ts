import { fromHalfBits } from './float16';
import { isImage } from './image-value';
import { isTensor } from './tensor-value';

/** How deep the JSON walks look into a value (deeper parts are left to `JSON.stringify`). */
export const JSON_WALK_DEPTH = 64;

/** How a value must be converted to JSON text. */
export const JsonConversion = {
  /** Plain JSON: `JSON.stringify` as it is. */
  None: 0,
  /** TypedArrays, Tensors or bigints: `JSON.stringify` with `jsonReplacer`. */
  Replacer: 1,
  /** Holds an `Image` too, which each side writes its own way. */
  Images: 2,
} as const;
export type JsonConversion = (typeof JsonConversion)[keyof typeof JsonConversion];

/** What converting `value` to JSON needs; a walk that stops at the first Image. */
export function jsonConversionOf(value: unknown, depth = 0): JsonConversion {
  if (typeof value === 'bigint') return JsonConversion.Replacer;
  if (typeof value !== 'object' || value === null || depth > JSON_WALK_DEPTH) return JsonConversion.None;
  if (ArrayBuffer.isView(value)) return JsonConversion.Replacer;
  if (isImage(value)) return JsonConversion.Images;
  let needed: JsonConversion = JsonConversion.None;
  for (const key in value) {
    const child = jsonConversionOf((value as Record<string, unknown>)[key], depth + 1);
    if (child === JsonConversion.Images) return child;
    if (child > needed) needed = child;
  }
  return needed;
}

function jsonElements(array: ArrayBufferView): Array<number | string> {
  return Array.from(array as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : x));
}

/**
 * `JSON.stringify`'s replacer for the values Bento carries: bigints become strings, TypedArrays
 * arrays, Tensors `{ dtype, shape, data }` with float16 elements as numbers (the form `Tensor()`
 * reads back).
 */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (isTensor(value)) {
    // A float16 tensor holds raw bit patterns; JSON carries the numbers.
    const data = value.dtype === 'float16' ? Array.from(value.data as Uint16Array, fromHalfBits) : jsonElements(value.data);
    return { dtype: value.dtype, shape: value.shape, data };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return jsonElements(value);
  return value;
}
