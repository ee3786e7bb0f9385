import sharp from 'sharp';
import { z } from 'zod';
import { isBinaryPart, markIoKind } from './io-kind';

/**
 * A decoded image: packed rows of `channels` bytes per pixel. The same shape `@bento/native`
 * takes, so an image goes from the request to a kernel without conversion.
 */
export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * What an `Image()` field accepts from a caller: a decoded `Image`, the bytes of an encoded one
 * (PNG, JPEG, WebP…, e.g. `await readFile('photo.png')`), or a base64 string or data URL.
 */
export type ImageInput = Image | Uint8Array | string;

/** Options of `Image()`. */
export interface ImageOptions {
  /** Convert every input to this many channels (1 gray, 3 RGB, 4 RGBA); default: keep the source's. */
  channels?: 1 | 3 | 4;
  /** Refuse images with more pixels than this (a decompression-bomb guard). Default 64 megapixels. */
  maxPixels?: number;
}

const DATA_URL = /^data:(image\/[\w.+-]+)?(;[^,]*)?,/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

/** True for a value that already has the decoded-image shape. */
export function isImage(value: unknown): value is Image {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Image>;
  return (
    v.data instanceof Uint8Array &&
    Number.isInteger(v.width) &&
    Number.isInteger(v.height) &&
    Number.isInteger(v.channels) &&
    v.width! > 0 &&
    v.height! > 0 &&
    [1, 2, 3, 4].includes(v.channels!) &&
    v.data.length === v.width! * v.height! * v.channels!
  );
}

function bytesFromString(text: string): Buffer | undefined {
  const match = DATA_URL.exec(text);
  if (match) {
    if (!(match[2] ?? '').includes(';base64')) return undefined;
    return Buffer.from(text.slice(match[0].length), 'base64');
  }
  if (text.length === 0 || text.length % 4 === 1 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Decodes PNG/JPEG/WebP (anything libvips reads) into an `Image`. */
export async function decodeImage(bytes: Uint8Array, options: ImageOptions = {}): Promise<Image> {
  const maxPixels = options.maxPixels ?? 64 * 1024 * 1024;
  let pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
  let channels = options.channels;
  if (channels === undefined) {
    // libvips writes a gray source out as sRGB (3 or 4 channels); keep it gray, as documented. A header read, no decode.
    const source = (await pipeline.metadata()).channels;
    if (source === 1 || source === 2) channels = 1;
  }
  if (channels === 1) pipeline = pipeline.grayscale();
  else if (channels === 3) pipeline = pipeline.toColourspace('srgb').removeAlpha();
  else if (channels === 4) pipeline = pipeline.toColourspace('srgb').ensureAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const image = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
  // sharp keeps gray+alpha as 2 channels; the kernels read 1, 3 or 4, so drop the alpha.
  if (image.channels === 2) return decodeImage(bytes, { ...options, channels: 1 });
  return image;
}

/** The formats an `Image` result can be encoded to. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Encodes an `Image` as PNG (default), JPEG or WebP. */
export async function encodeImage(image: Image, format: ImageFormat = 'png'): Promise<Buffer> {
  let raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 } });
  // sharp writes sRGB unless told otherwise; a one-channel image should stay one channel.
  if (image.channels === 1) raw = raw.toColourspace('b-w');
  if (format === 'jpeg') return raw.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return raw.webp({ quality: 90 }).toBuffer();
  return raw.png().toBuffer();
}

async function toImage(value: unknown, options: ImageOptions, ctx: z.RefinementCtx): Promise<Image> {
  if (isImage(value)) {
    if (options.channels && value.channels !== options.channels) {
      ctx.addIssue({ code: 'custom', message: `Expected an image with ${options.channels} channels but received ${value.channels}` });
      return z.NEVER;
    }
    return value;
  }
  let bytes: Uint8Array | undefined;
  if (isBinaryPart(value)) bytes = value.data;
  else if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === 'string') {
    bytes = bytesFromString(value);
    if (!bytes) {
      ctx.addIssue({ code: 'custom', message: 'Expected an image as a base64 string or a data URL (data:image/png;base64,...)' });
      return z.NEVER;
    }
  } else {
    ctx.addIssue({
      code: 'custom',
      message: `Expected an image (a file part, a base64 string or a data URL) but received ${value === null ? 'null' : typeof value}`,
    });
    return z.NEVER;
  }
  try {
    return await decodeImage(bytes, options);
  } catch (cause) {
    ctx.addIssue({
      code: 'custom',
      message: `Expected a PNG, JPEG or WebP image but the bytes could not be decoded (${(cause as Error).message.split('\n')[0]})`,
    });
    return z.NEVER;
  }
}

/**
 * An image input or output. Accepted as a multipart file part (PNG, JPEG, WebP) or as a base64
 * string or data URL in JSON; the method receives `{ data, width, height, channels }`.
 *
 * @example
 * ```ts
 * @api({ input: z.object({ image: Image({ channels: 3 }) }) })
 * async edges({ image }: { image: Image }) { ... }
 * ```
 */
export function Image(options: ImageOptions = {}): z.ZodType<Image, ImageInput> {
  const schema = z.unknown().transform((value, ctx) => toImage(value, options, ctx));
  // The runtime accepts anything and says what was wrong; the declared input is what callers may send.
  return markIoKind(schema, { kind: 'image' }) as unknown as z.ZodType<Image, ImageInput>;
}
