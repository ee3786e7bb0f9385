import { z } from 'zod';
import { BinaryPart } from './io-kind';
import { Image } from './image';

// What the typed client sends for an Image: its pixels, not an encoded file.
describe('Image() from raw pixels', () => {
  const pixels = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]); // 2×2 RGB
  const parse = (value: unknown, channels?: 1 | 3 | 4) => z.object({ image: Image({ channels }) }).safeParseAsync({ image: value });

  it('takes a binary part whose content type gives shape=height,width,channels, as a view of its bytes', async () => {
    const data = Buffer.from(pixels);
    const parsed = await parse(new BinaryPart(data, 'application/octet-stream; dtype=uint8; shape=2,2,3', 'image.rgb'));
    expect(parsed.success && parsed.data.image).toEqual({ data, width: 2, height: 2, channels: 3 });
    expect(parsed.success && parsed.data.image.data.buffer).toBe(data.buffer);
  });

  it('takes a uint8 tensor [height, width, channels] in JSON', async () => {
    const parsed = await parse({ dtype: 'uint8', shape: [1, 4, 3], data: Array.from(pixels) });
    expect(parsed.success && { ...parsed.data.image, data: Array.from(parsed.data.image.data) }).toEqual({ data: Array.from(pixels), width: 4, height: 1, channels: 3 });
  });

  it('converts to the channels the schema asks for, as decoding a file would', async () => {
    const parsed = await parse(new BinaryPart(Buffer.from(pixels), 'application/octet-stream; shape=2,2,3'), 1);
    expect(parsed.success && [parsed.data.image.width, parsed.data.image.height, parsed.data.image.channels]).toEqual([2, 2, 1]);
    const gray = parsed.success ? Array.from(parsed.data.image.data) : [];
    // Pure red, green and blue go to different grays, and blue is the darkest.
    expect(new Set(gray.slice(0, 3)).size).toBe(3);
    expect(Math.min(...gray.slice(0, 3))).toBe(gray[2]);
  });

  it.each([
    ['a part of the wrong size', new BinaryPart(Buffer.alloc(5), 'application/octet-stream; shape=2,2,3'), 'Expected 12 bytes of pixels for shape [2, 2, 3] but received 5'],
    ['a part of another dtype', new BinaryPart(Buffer.alloc(48), 'application/octet-stream; dtype=float32; shape=2,2,3'), 'Expected raw pixels of dtype uint8 but the part says dtype float32'],
    ['five channels', new BinaryPart(Buffer.alloc(20), 'application/octet-stream; shape=2,2,5'), 'Expected raw pixels of shape [height, width, channels] with 1 to 4 channels but received [2, 2, 5]'],
    ['a JSON tensor with an element out of range', { dtype: 'uint8', shape: [1, 1, 3], data: [1, 2, 300] }, 'Expected a uint8 tensor'],
  ])('refuses %s, saying why', async (_what, value, message) => {
    const parsed = await parse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it('keeps the pixel limit', async () => {
    const schema = z.object({ image: Image({ maxPixels: 3 }) });
    const parsed = await schema.safeParseAsync({ image: new BinaryPart(Buffer.from(pixels), 'application/octet-stream; shape=2,2,3') });
    expect(parsed.error?.issues[0]?.message).toBe('Expected an image of at most 3 pixels but received 2×2');
  });

  it('still decodes a part without a shape as an encoded file', async () => {
    const parsed = await parse(new BinaryPart(Buffer.from('not an image'), 'application/octet-stream'));
    expect(parsed.error?.issues[0]?.message).toMatch(/^Expected a PNG, JPEG or WebP image but the bytes could not be decoded/);
  });
});
