import { fromHalfBits } from '../sdk/float16';
import { encodeImage, isImage, type Image } from '../sdk/image';
import { isTensor } from '../sdk/tensor';

const MAX_DEPTH = 64;

/** 0: plain JSON; 1: needs the replacer (TypedArrays, bigints); 2: holds an Image too. */
function conversionNeeded(value: unknown, depth = 0): 0 | 1 | 2 {
  if (typeof value === 'bigint') return 1;
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return 0;
  if (ArrayBuffer.isView(value)) return 1;
  if (isImage(value)) return 2;
  let needed: 0 | 1 | 2 = 0;
  for (const key in value) {
    const child = conversionNeeded((value as Record<string, unknown>)[key], depth + 1);
    if (child === 2) return 2;
    if (child > needed) needed = child;
  }
  return needed;
}

/** Replaces every nested Image by a PNG data URL (the form `Image()` accepts back). */
async function inlineImages(value: unknown, depth = 0): Promise<unknown> {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || depth > MAX_DEPTH) return value;
  if (isImage(value)) return `data:image/png;base64,${(await encodeImage(value as Image)).toString('base64')}`;
  if (Array.isArray(value)) return Promise.all(value.map((item) => inlineImages(item, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = await inlineImages((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

function jsonElements(array: ArrayBufferView): Array<number | string> {
  return Array.from(array as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : x));
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (isTensor(value)) {
    // A float16 tensor holds raw bit patterns; JSON carries the numbers, which `Tensor()` reads back.
    const data = value.dtype === 'float16' ? Array.from(value.data as Uint16Array, fromHalfBits) : jsonElements(value.data);
    return { dtype: value.dtype, shape: value.shape, data };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return jsonElements(value);
  return value;
}

/**
 * Serialises an API result to JSON. TypedArrays become arrays, Tensors `{ dtype, shape, data }`
 * (float16 elements as numbers), bigints strings, and nested Images PNG data URLs. Synchronous
 * unless an Image must be encoded first, so a plain result costs no promise.
 */
export function toJsonBody(value: unknown): string | Promise<string> {
  if (value === undefined) return 'null';
  const needed = conversionNeeded(value);
  // The replacer is called for every key; plain results (the common case) skip it.
  if (needed === 0) return JSON.stringify(value);
  if (needed === 1) return JSON.stringify(value, replacer);
  return inlineImages(value).then((inlined) => JSON.stringify(inlined, replacer));
}
