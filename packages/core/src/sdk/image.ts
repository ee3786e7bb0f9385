import sharp from 'sharp';
import { z } from 'zod';
import { isImage, type Image as ImageValue } from '../wire/image-value';
import { pixelLimitProblem } from './image-limit';
import { isBinaryPart, markIoKind } from './io-kind';
import { readRawPixels } from './raw-pixels';

export { isImage };

/**
 * A decoded image: packed rows of `channels` bytes per pixel. The same shape `@bento/native`
 * takes, so an image goes from the request to a kernel without conversion. Its fields are declared
 * in wire/, beside the codecs that carry it (the client needs nothing of the SDK's runtime); this
 * is the name users import.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Image extends ImageValue {}

/**
 * What an `Image()` field accepts from a caller: a decoded `Image`, the bytes of an encoded one
 * (PNG, JPEG, WebP…, e.g. `await readFile('photo.png')`), or a base64 string or data URL.
 */
export type ImageInput = Image | Uint8Array | string;

/** Options of `Image()`. */
export interface ImageOptions {
  /** Convert every input to this many channels (1 gray, 3 RGB, 4 RGBA); default: keep the source's. */
  channels?: 1 | 3 | 4;
  /** Refuse images with more pixels than this, read from the header before anything is decoded (a decompression-bomb guard). Default 64 megapixels. */
  maxPixels?: number;
}

/** Default largest image, in pixels: 64 megapixels (a decompression-bomb guard). */
const DEFAULT_MAX_PIXELS = 64 * 1024 * 1024;

const DATA_URL = /^data:(image\/[\w.+-]+)?(;[^,]*)?,/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

function bytesFromString(text: string): Buffer | undefined {
  const match = DATA_URL.exec(text);
  if (match) {
    if (!(match[2] ?? '').includes(';base64')) return undefined;
    return Buffer.from(text.slice(match[0].length), 'base64');
  }
  if (text.length === 0 || text.length % 4 === 1 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** The pipeline converting to `channels` (1 gray, 3 sRGB, 4 sRGB with alpha); as it is when undefined. */
function withChannels(pipeline: sharp.Sharp, channels: number | undefined): sharp.Sharp {
  if (channels === 1) return pipeline.grayscale();
  if (channels === 3) return pipeline.toColourspace('srgb').removeAlpha();
  if (channels === 4) return pipeline.toColourspace('srgb').ensureAlpha();
  return pipeline;
}

/** Converts raw pixels to `channels`, as decoding an encoded image would. */
async function convertChannels(image: Image, channels: 1 | 3 | 4): Promise<Image> {
  const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 } });
  const { data, info } = await withChannels(raw, channels).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

/** Decodes PNG/JPEG/WebP (anything libvips reads) into an `Image`. */
export async function decodeImage(bytes: Uint8Array, options: ImageOptions = {}): Promise<Image> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
  let channels = options.channels;
  if (channels === undefined) {
    // libvips writes a gray source out as sRGB (3 or 4 channels); keep it gray, as documented. A header read, no decode.
    const source = (await pipeline.metadata()).channels;
    if (source === 1 || source === 2) channels = 1;
  }
  const { data, info } = await withChannels(pipeline, channels).raw().toBuffer({ resolveWithObject: true });
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
  const raw = readRawPixels(value, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  if (raw && 'problem' in raw) {
    ctx.addIssue({ code: 'custom', message: raw.problem });
    return z.NEVER;
  }
  if (raw) return options.channels && raw.image.channels !== options.channels ? convertChannels(raw.image, options.channels) : raw.image;
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
    const overLimit = await pixelLimitProblem(cause, bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS);
    ctx.addIssue({
      code: 'custom',
      message: overLimit ?? `Expected a PNG, JPEG or WebP image but the bytes could not be decoded (${(cause as Error).message.split('\n')[0]})`,
    });
    return z.NEVER;
  }
}

/**
 * An image input or output. Accepted as a multipart file part (PNG, JPEG, WebP), as a base64
 * string or data URL in JSON, or as its raw pixels: a part with content type
 * `application/octet-stream; dtype=uint8; shape=height,width,channels` or a uint8 tensor
 * `{ dtype, shape: [height, width, channels], data }` in JSON (what the typed client sends, so it
 * never encodes one). The method receives `{ data, width, height, channels }`, converted to
 * `channels` when the option is given.
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
