import type { Image } from '../wire/image-value';
import { rawPartParams } from '../wire/raw-values';
import { isBinaryPart } from './io-kind';
import { Tensor } from './tensor';

/** An image's pixels as uint8 tensor of shape [height, width, channels], in JSON form. */
const PixelTensor = Tensor({ dtype: 'uint8', shape: [-1, -1, -1] });

/** What `readRawPixels` found: an image, or why the pixels are not one. */
export type RawPixels = { image: Image } | { problem: string };

function isPixelTensorJson(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const { dtype, shape } = value as { dtype?: unknown; shape?: unknown };
  return dtype === 'uint8' && Array.isArray(shape) && shape.length === 3;
}

function imageOf(data: Uint8Array, shape: readonly number[], maxPixels: number): RawPixels {
  const [height, width, channels] = shape as [number, number, number];
  if (![height, width].every((d) => Number.isInteger(d) && d > 0) || ![1, 2, 3, 4].includes(channels)) {
    return { problem: `Expected raw pixels of shape [height, width, channels] with 1 to 4 channels but received [${shape.join(', ')}]` };
  }
  if (height * width > maxPixels) return { problem: `Expected an image of at most ${maxPixels} pixels but received ${width}×${height}` };
  if (data.byteLength !== height * width * channels) {
    return { problem: `Expected ${height * width * channels} bytes of pixels for shape [${shape.join(', ')}] but received ${data.byteLength}` };
  }
  return { image: { data, width, height, channels } };
}

/**
 * An image sent as its pixels rather than encoded (what the typed client sends): a binary part
 * whose content type gives `shape=height,width,channels` (and `dtype=uint8`, if any), or a uint8
 * tensor `{ dtype: 'uint8', shape: [height, width, channels], data }` in JSON. Undefined for any
 * other value (an encoded image, a string).
 */
export function readRawPixels(value: unknown, maxPixels: number): RawPixels | undefined {
  if (isBinaryPart(value)) {
    const { dtype, shape } = rawPartParams(value.contentType);
    if (shape?.length !== 3) return undefined;
    if (dtype !== undefined && dtype !== 'uint8') return { problem: `Expected raw pixels of dtype uint8 but the part says dtype ${dtype}` };
    return imageOf(value.data, shape, maxPixels);
  }
  if (!isPixelTensorJson(value)) return undefined;
  const parsed = PixelTensor.safeParse(value);
  if (!parsed.success) return { problem: parsed.error.issues[0]!.message };
  return imageOf(parsed.data.data, parsed.data.shape, maxPixels);
}
