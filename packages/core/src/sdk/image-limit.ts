import sharp from 'sharp';

/** sharp's message when a header declares more pixels than `limitInputPixels` allows. */
const OVER_PIXEL_LIMIT = /exceeds pixel limit/;

/**
 * When decoding failed because the image's header declares more than `maxPixels` pixels, the
 * message that says so, with the declared size; undefined for any other failure.
 *
 * sharp checks `limitInputPixels` against the header before it decodes a single row, which is what
 * stops a decompression bomb (a few hundred bytes of PNG declaring 60000×60000). Its own message
 * ("Input image exceeds pixel limit") names neither the limit nor the size, so the header is read
 * again here, without the limit and still without decoding, on this failure path only.
 */
export async function pixelLimitProblem(cause: unknown, bytes: Uint8Array, maxPixels: number): Promise<string | undefined> {
  if (!(cause instanceof Error) || !OVER_PIXEL_LIMIT.test(cause.message)) return undefined;
  let declared = '';
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (width && height) declared = ` declares ${width}×${height}`;
  } catch {
    // The size stays unnamed; the limit is still the reason.
  }
  return `Expected an image of at most ${maxPixels} pixels but its header${declared || ' declares more'}`;
}
