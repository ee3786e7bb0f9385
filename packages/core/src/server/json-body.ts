import { encodeImage, isImage, type Image } from '../sdk/image';
import { isTensor } from '../sdk/tensor';

const MAX_DEPTH = 64;

function containsImage(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || depth > MAX_DEPTH) return false;
  if (isImage(value)) return true;
  for (const key in value) {
    if (containsImage((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
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

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (isTensor(value)) {
    return { dtype: value.dtype, shape: value.shape, data: Array.from(value.data as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : x)) };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : x));
  }
  return value;
}

/**
 * Serialises an API result to JSON. TypedArrays become arrays, Tensors `{ dtype, shape, data }`,
 * bigints strings, and nested Images PNG data URLs.
 */
export async function toJsonBody(value: unknown): Promise<string> {
  const plain = containsImage(value) ? await inlineImages(value) : value;
  return JSON.stringify(plain === undefined ? null : plain, replacer);
}
