import sharp from 'sharp';
import { z } from 'zod';
import { BinaryPart } from './io-kind';
import { decodeImage, encodeImage, Image, isImage } from './image';

/** A real image: a red/green gradient, `width` × `height`, RGB or RGBA. */
async function makeImage(format: 'png' | 'jpeg' | 'webp', width: number, height: number, channels: 3 | 4 = 3): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 64;
      if (channels === 4) raw[i + 3] = 200;
    }
  }
  const image = sharp(raw, { raw: { width, height, channels } });
  return (format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg() : image.webp()).toBuffer();
}

describe('Image()', () => {
  const schema = z.object({ image: Image() });

  it.each(['png', 'jpeg', 'webp'] as const)('decodes %s bytes from a file part', async (format) => {
    const bytes = await makeImage(format, 7, 5);
    const { image } = await schema.parseAsync({ image: new BinaryPart(bytes, `image/${format}`, `x.${format}`) });
    expect(isImage(image)).toBe(true);
    expect([image.width, image.height, image.channels]).toEqual([7, 5, 3]);
    expect(image.data.length).toBe(7 * 5 * 3);
  });

  it('decodes raw bytes, base64 and a data URL to the same pixels', async () => {
    const bytes = await makeImage('png', 4, 3);
    const fromBytes = await Image().parseAsync(new Uint8Array(bytes));
    const fromBase64 = await Image().parseAsync(bytes.toString('base64'));
    const fromDataUrl = await Image().parseAsync(`data:image/png;base64,${bytes.toString('base64')}`);
    expect(fromBase64).toEqual(fromBytes);
    expect(fromDataUrl).toEqual(fromBytes);
    // The gradient survives: the top-right pixel is redder than the top-left one.
    expect(fromBytes.data[3 * 3]!).toBeGreaterThan(fromBytes.data[0]!);
  });

  it('passes an already decoded image through', async () => {
    const image = { data: new Uint8Array(2 * 2 * 3).fill(9), width: 2, height: 2, channels: 3 };
    expect(await Image().parseAsync(image)).toBe(image);
    await expect(Image({ channels: 4 }).parseAsync(image)).rejects.toThrow('Expected an image with 4 channels but received 3');
  });

  it.each([
    [1, 1],
    [3, 3],
    [4, 4],
  ] as const)('converts to %d channels when asked', async (channels, expected) => {
    const bytes = await makeImage('png', 6, 2, 4);
    const image = await Image({ channels }).parseAsync(bytes.toString('base64'));
    expect(image.channels).toBe(expected);
    expect(image.data.length).toBe(6 * 2 * expected);
  });

  it('keeps the source channels by default (RGBA stays 4)', async () => {
    const image = await Image().parseAsync(await makeImage('png', 3, 3, 4));
    expect(image.channels).toBe(4);
    expect(image.data[3]).toBe(200);
  });

  it('keeps a gray source gray: 1 channel for gray and for gray+alpha (alpha dropped), never 2', async () => {
    const gray = await sharp(Buffer.alloc(4 * 4, 90), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    const grayAlpha = await sharp(Buffer.alloc(4 * 4 * 2, 128), { raw: { width: 4, height: 4, channels: 2 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(gray).metadata()).channels).toBe(1);
    expect((await sharp(grayAlpha).metadata()).channels).toBe(2);
    for (const [bytes, value] of [[gray, 90], [grayAlpha, 128]] as const) {
      const image = await decodeImage(bytes);
      expect([image.channels, image.data.length, image.data[0]]).toEqual([1, 16, value]);
      expect(isImage(image)).toBe(true);
    }
    // Asked for, a gray source still becomes RGB or RGBA.
    expect((await decodeImage(gray, { channels: 3 })).channels).toBe(3);
    expect((await decodeImage(grayAlpha, { channels: 4 })).channels).toBe(4);
  });

  it('refuses undecodable bytes with a clear message', async () => {
    const result = await schema.safeParseAsync({ image: new BinaryPart(Buffer.from('this is not an image'), 'image/png') });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['image']);
    expect(result.error!.issues[0]!.message).toMatch(/^Expected a PNG, JPEG or WebP image but the bytes could not be decoded/);
  });

  it('refuses a truncated PNG', async () => {
    const bytes = await makeImage('png', 32, 32);
    await expect(Image().parseAsync(bytes.subarray(0, bytes.length / 2))).rejects.toThrow(/could not be decoded/);
  });

  it.each([
    ['a string that is not base64', 'not base64!'],
    ['a data URL without base64', 'data:image/png,abc'],
    ['an empty string', ''],
  ])('refuses %s', async (_what, value) => {
    await expect(Image().parseAsync(value)).rejects.toThrow('Expected an image as a base64 string or a data URL (data:image/png;base64,...)');
  });

  it.each([
    [42, 'number'],
    [null, 'null'],
    [{ width: 1 }, 'object'],
  ])('refuses %j naming what it received', async (value, what) => {
    await expect(Image().parseAsync(value)).rejects.toThrow(`Expected an image (a file part, a base64 string or a data URL) but received ${what}`);
  });

  it('refuses an image over maxPixels', async () => {
    const bytes = await makeImage('png', 20, 20);
    await expect(Image({ maxPixels: 100 }).parseAsync(bytes)).rejects.toThrow('Expected an image of at most 100 pixels but its header declares 20×20');
  });
});

describe('encodeImage', () => {
  it.each([
    ['png', 'png'],
    ['jpeg', 'jpeg'],
    ['webp', 'webp'],
  ] as const)('encodes %s that decodes back to the same size', async (format, sharpFormat) => {
    const image = await decodeImage(await makeImage('png', 9, 4));
    const bytes = await encodeImage(image, format);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([sharpFormat, 9, 4]);
  });

  it('round-trips PNG pixels exactly', async () => {
    const image = await decodeImage(await makeImage('png', 5, 5));
    expect(await decodeImage(await encodeImage(image))).toEqual(image);
  });
});
