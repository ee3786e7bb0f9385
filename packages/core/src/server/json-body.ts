import { encodeImage, isImage, type Image } from '../sdk/image';
import { JSON_WALK_DEPTH, JsonConversion, jsonConversionOf, jsonReplacer } from '../wire/json-values';

/** Replaces every nested Image by a PNG data URL (the form `Image()` accepts back). */
async function inlineImages(value: unknown, depth = 0): Promise<unknown> {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || depth > JSON_WALK_DEPTH) return value;
  if (isImage(value)) return `data:image/png;base64,${(await encodeImage(value as Image)).toString('base64')}`;
  if (Array.isArray(value)) return Promise.all(value.map((item) => inlineImages(item, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = await inlineImages((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/**
 * Serialises an API result to JSON. TypedArrays become arrays, Tensors `{ dtype, shape, data }`
 * (float16 elements as numbers), bigints strings, and nested Images PNG data URLs. Synchronous
 * unless an Image must be encoded first, so a plain result costs no promise.
 */
export function toJsonBody(value: unknown): string | Promise<string> {
  if (value === undefined) return 'null';
  const needed = jsonConversionOf(value);
  // The replacer is called for every key; plain results (the common case) skip it.
  if (needed === JsonConversion.None) return JSON.stringify(value);
  if (needed === JsonConversion.Replacer) return JSON.stringify(value, jsonReplacer);
  return inlineImages(value).then((inlined) => JSON.stringify(inlined, jsonReplacer));
}
