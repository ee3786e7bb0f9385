import { vaeOutputToImage } from './decode-image';

describe('VAE output to image', () => {
  it('maps [-1, 1] to bytes as diffusers does: (x/2 + 0.5) clamped, × 255, rounded half to even, NCHW to HWC', () => {
    // One pixel per value, red plane only varying; green and blue planes 0 → 128 (127.5 rounds to even).
    // The last two land exactly on 126.5 and 128.5 after × 255 in float32: ties, rounded to even.
    const tie = (n: number) => Math.fround(2 * Math.fround(n / 255) - 1);
    const red = [-2, -1, 0, 1, 2, tie(126.5), tie(128.5)];
    const width = red.length;
    const planes = new Float32Array(3 * width);
    planes.set(red, 0);
    const image = vaeOutputToImage(planes, 1, width);
    expect(image).toMatchObject({ width, height: 1, channels: 3 });
    const reds = Array.from({ length: width }, (_, i) => image.data[i * 3]);
    expect(reds).toEqual([0, 0, 128, 255, 255, 126, 128]);
    expect(Array.from({ length: width }, (_, i) => image.data[i * 3 + 1])).toEqual(new Array(width).fill(128));
  });
});
