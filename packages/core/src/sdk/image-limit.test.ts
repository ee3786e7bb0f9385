import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, Image } from './image';
import { pixelLimitProblem } from './image-limit';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring `width`×`height` RGB, followed by only a few rows of data. */
function bombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = deflateSync(Buffer.alloc(4 * (1 + width * 3)));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

describe('the pixel limit, read from the header', () => {
  it('refuses a decompression bomb from its header, naming the limit and the declared size', async () => {
    // 60000×60000 RGB would be 10.8 GB decoded; the file is under 1 KB and never decoded.
    const bomb = bombPng(60000, 60000);
    expect(bomb.length).toBeLessThan(1024);
    await expect(Image({ maxPixels: 1_000_000 }).parseAsync(bomb)).rejects.toThrow('Expected an image of at most 1000000 pixels but its header declares 60000×60000');
    // The default limit (64 megapixels) refuses it too.
    await expect(Image().parseAsync(bomb)).rejects.toThrow(/at most 67108864 pixels but its header declares 60000×60000/);
  });

  it('refuses an ordinary image over the limit the same way', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).png().toBuffer();
    await expect(Image({ channels: 3, maxPixels: 1000 }).parseAsync(png)).rejects.toThrow('Expected an image of at most 1000 pixels but its header declares 40×30');
    await expect(Image({ maxPixels: 1200 }).parseAsync(png)).resolves.toMatchObject({ width: 40, height: 30 });
  });

  it('leaves every other failure to the caller', async () => {
    const error = await decodeImage(Buffer.from('not an image')).catch((e: unknown) => e);
    expect(await pixelLimitProblem(error, Buffer.from('not an image'), 10)).toBeUndefined();
    expect(await pixelLimitProblem('a string', Buffer.alloc(0), 10)).toBeUndefined();
  });
});
