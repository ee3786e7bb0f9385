import { float16ToFloat32, float32ToFloat16, imageToTensor, tensorToImage } from '../lib';
import { refFloatToHalf, refHalfToFloat, refImageToTensor, refTensorToImage } from './reference';

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function randomImage(width: number, height: number, channels: number, seed: number) {
  const data = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels };
}

const IMAGENET = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

describe('imageToTensor', () => {
  test.each([
    ['ImageNet RGB', 3, IMAGENET],
    ['[-1, 1] RGB', 3, { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] }],
    ['raw gray', 1, {}],
    ['RGBA odd values', 4, { scale: 0.3, mean: [1e-3, -7, 255, 0.1], std: [3, 0.001, -2, 1e5] }],
  ])('%s is bit-exact against the reference (float32 and float16)', (_name, channels, norm) => {
    const image = randomImage(67, 45, channels, channels * 7 + 1);
    const t = imageToTensor(image, norm);
    expect(t.shape).toEqual([1, channels, 45, 67]);
    expect(t.dtype).toBe('float32');
    const n = { scale: 1, mean: new Array(channels).fill(0), std: new Array(channels).fill(1), ...norm };
    const ref = refImageToTensor(image.data, 67 * 45, channels, n.scale, n.mean, n.std);
    expect(bitsEqual(t.data, ref)).toBe(true);
    const h = imageToTensor(image, { ...norm, dtype: 'float16' });
    expect(h.dtype).toBe('float16');
    expect(h.shape).toEqual([1, channels, 45, 67]);
    expect(Array.from(h.data)).toEqual(Array.from(ref, refFloatToHalf));
  });

  test('every byte value of every channel maps through the formula', () => {
    const data = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
    const t = imageToTensor({ data, width: 256, height: 1, channels: 3 }, IMAGENET);
    expect(bitsEqual(t.data, refImageToTensor(data, 256, 3, IMAGENET.scale, IMAGENET.mean, IMAGENET.std))).toBe(true);
  });

  test('large images give the same bits for every thread count and alignment', () => {
    const image = randomImage(640, 410, 3, 11); // 262400 pixels: several threads' worth
    const ref = refImageToTensor(image.data, 640 * 410, 3, IMAGENET.scale, IMAGENET.mean, IMAGENET.std);
    for (const threads of [1, 2, 3, 8]) {
      expect(bitsEqual(imageToTensor(image, { ...IMAGENET, threads }).data, ref)).toBe(true);
      // A destination that is not 16-byte aligned takes the plain-store path.
      const out = new Float32Array(new ArrayBuffer(ref.byteLength + 4), 4, ref.length);
      imageToTensor(image, { ...IMAGENET, threads, out });
      expect(bitsEqual(out, ref)).toBe(true);
    }
    const gray = randomImage(701, 377, 1, 12);
    const half = imageToTensor(gray, { scale: 0.37, mean: [3], std: [0.7], dtype: 'float16', threads: 3 });
    const refGray = refImageToTensor(gray.data, 701 * 377, 1, 0.37, [3], [0.7]);
    expect(Array.from(half.data)).toEqual(Array.from(refGray, refFloatToHalf));
  });

  test('writes into a caller-supplied array without allocating', () => {
    const image = randomImage(8, 4, 3, 5);
    const out = new Float32Array(8 * 4 * 3);
    const t = imageToTensor(image, { ...IMAGENET, out });
    expect(t.data).toBe(out);
    expect(bitsEqual(out, imageToTensor(image, IMAGENET).data)).toBe(true);
  });

  test('the result is native memory, not a view of the input', () => {
    const image = randomImage(4, 4, 1, 9);
    const t = imageToTensor(image);
    expect(t.data.buffer).not.toBe(image.data.buffer);
    expect(Array.from(t.data)).toEqual(Array.from(image.data));
  });
});

describe('tensorToImage', () => {
  test('round-trips an image exactly (float32 and float16 with a plain scale)', () => {
    const image = randomImage(31, 17, 3, 3);
    const back = tensorToImage(imageToTensor(image, IMAGENET), IMAGENET);
    expect(back).toMatchObject({ width: 31, height: 17, channels: 3 });
    expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);
    const half = tensorToImage(imageToTensor(image, { dtype: 'float16' }), {});
    expect(Buffer.from(half.data).equals(Buffer.from(image.data))).toBe(true);
  });

  test('clamps, rounds half to even and maps NaN to 0, like the reference', () => {
    const values = [-1, -0.5, 0, 0.4999, 0.5, 1.5, 2.5, 3.5, 254.5, 255, 255.5, 300, Infinity, -Infinity, NaN, 1e-45, 127.50001];
    const data = new Float32Array(values);
    const norm = { scale: 1, mean: [0], std: [1] };
    const out = tensorToImage({ dtype: 'float32', shape: [1, 1, 1, values.length], data }, norm);
    expect(Array.from(out.data)).toEqual(Array.from(refTensorToImage(data, values.length, 1, 1, [0], [1])));
    expect(Array.from(out.data.slice(0, 8))).toEqual([0, 0, 0, 0, 0, 2, 2, 4]);
  });

  test('random tensors with normalisation match the reference', () => {
    const pixels = 40 * 30;
    const data = new Float32Array(pixels * 3).map((_, i) => Math.sin(i * 12.9898) * 3);
    const out = tensorToImage({ dtype: 'float32', shape: [1, 3, 30, 40], data }, IMAGENET);
    expect(Buffer.from(out.data).equals(Buffer.from(refTensorToImage(data, pixels, 3, IMAGENET.scale, IMAGENET.mean, IMAGENET.std)))).toBe(true);
    const halves = float32ToFloat16(data);
    const out16 = tensorToImage({ dtype: 'float16', shape: [1, 3, 30, 40], data: halves }, IMAGENET);
    const ref16 = refTensorToImage(Array.from(halves, refHalfToFloat), pixels, 3, IMAGENET.scale, IMAGENET.mean, IMAGENET.std);
    expect(Buffer.from(out16.data).equals(Buffer.from(ref16))).toBe(true);
  });
});

describe('float16', () => {
  test('float16 -> float32 is exact for all 65536 bit patterns', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const got = float16ToFloat32(all);
    for (let i = 0; i < 65536; i++) {
      const want = refHalfToFloat(i);
      if (Number.isNaN(want)) expect(Number.isNaN(got[i])).toBe(true);
      else if (!Object.is(got[i], want)) throw new Error(`half 0x${i.toString(16)}: ${got[i]} != ${want}`);
    }
  });

  test('float32 -> float16 rounds to nearest even like the reference', () => {
    const specials = [0, -0, 1, -1, 65504, 65519.996, 65520, -65520, 1e10, Infinity, -Infinity, NaN,
      2 ** -14, 2 ** -24, 2 ** -25, 1.5 * 2 ** -25, 2 ** -26, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11,
      1 + 2 ** -11 + 2 ** -20, 2047 * 2 ** -25, 0.1, 1 / 3];
    const values = new Float32Array(200000 + specials.length);
    values.set(specials);
    const bits = new Uint32Array(values.buffer);
    let s = 12345;
    for (let i = specials.length; i < values.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      bits[i] = s;
      // Half of them near the float16 range, where rounding is interesting.
      if (i % 2) bits[i] = (bits[i] & 0x8fffffff) | 0x30000000 | (bits[i] & 0x0f800000 ? 0x08000000 : 0);
    }
    const got = float32ToFloat16(values);
    for (let i = 0; i < values.length; i++) {
      const want = refFloatToHalf(values[i]);
      if (got[i] !== want) throw new Error(`${values[i]} (0x${bits[i].toString(16)}): 0x${got[i].toString(16)} != 0x${want.toString(16)}`);
    }
    // Every half value survives the round trip.
    const all = new Uint16Array(65536).map((_, i) => i).filter((h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0);
    expect(Array.from(float32ToFloat16(float16ToFloat32(all)))).toEqual(Array.from(all));
  });
});
