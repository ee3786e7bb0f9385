/** Test images: pictures with clear edges, made with sharp, and hostile files. */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * A PNG of `width`×`height`: a bright disc (centre `cx`, `cy`, radius `r`) and a bar on a dark
 * background, so Canny(100, 200) finds their outlines. `inverted` swaps dark and bright: the same
 * edges from other pixels.
 */
export async function discPng(width: number, height: number, { cx = width / 2, cy = height / 2, r = Math.min(width, height) / 3, inverted = false } = {}): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r || (y >= height - 12 && y < height - 6);
      const value = inside !== inverted ? 230 : 20;
      raw.fill(value, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A plain grey PNG (few bytes even when large). */
export function greyPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } }).png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A decompression bomb: a valid PNG header declaring `width`×`height` RGB, with a few rows of data (under 1 KB). */
export function bombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = deflateSync(Buffer.alloc(4 * (1 + width * 3)));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}
