import { createHash } from 'node:crypto';
import { randnLikeTorch } from './randn';
import { TorchCpuGenerator } from './torch-cpu-generator';

// Exact values (Python's repr of each float32) and SHA-256 digests of the float32 bytes were
// printed by torch 1.13.1 (Debian's build, GCC 12, "CPU capability usage: AVX2") with
// torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed)).

function sha256OfFloats(values: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}

describe('randnLikeTorch', () => {
  it("gives torch.randn's first values for seeds 0 and 42 (the values everyone has seen)", () => {
    const seed0 = randnLikeTorch(0, [4, 4]).subarray(0, 8);
    const seed42 = randnLikeTorch(42, [4, 4]).subarray(0, 8);
    const expected0 = [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152];
    const expected42 = [1.9269, 1.4873, 0.9007, -2.1055, 0.6784, -1.2345, -0.0431, -1.6047];
    expected0.forEach((value, i) => expect(seed0[i]).toBeCloseTo(value, 4));
    expected42.forEach((value, i) => expect(seed42[i]).toBeCloseTo(value, 4));
  });

  it('matches torch bit for bit on 16 values (one AVX2 block)', () => {
    expect(Array.from(randnLikeTorch(0, [16]))).toEqual([
      -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383,
      0.8487103581428528, 0.6920091509819031, -0.31601276993751526, -2.1152193546295166,
      0.32227492332458496, -1.2633347511291504, 0.34998318552970886, 0.30813392996788025,
      0.11984150856733322, 1.237657904624939, 1.1167771816253662, -0.2472781538963318,
    ]);
  });

  it('matches torch bit for bit on a 1×4×128×128 latent (65,536 values)', () => {
    const seed0 = randnLikeTorch(0, [1, 4, 128, 128]);
    expect(sha256OfFloats(seed0)).toBe(
      '33e5e1492edd7110d7f1a65492cbc485924cb2dc9343099bd01121af5e47a0e7',
    );
    expect([0, 1, 15, 16, 12345, 65535].map((i) => seed0[i])).toEqual([
      -1.1258398294448853, -1.152360200881958, -0.2472781538963318, -1.3526537418365479,
      -2.7204272747039795, -1.4578040838241577,
    ]);
    expect(sha256OfFloats(randnLikeTorch(42, [1, 4, 128, 128]))).toBe(
      '23c72e908d9e3fbe50836a02f09ccde0acfcf28c00dec75b986c49dadf0c115e',
    );
  });

  it('uses only the low 32 bits of larger seeds, as torch does', () => {
    expect(sha256OfFloats(randnLikeTorch(2 ** 32 + 42, [1, 4, 128, 128]))).toBe(
      '23c72e908d9e3fbe50836a02f09ccde0acfcf28c00dec75b986c49dadf0c115e',
    );
  });

  it('matches torch bit for bit when the count is not a multiple of 16 (100,003 values)', () => {
    expect(sha256OfFloats(randnLikeTorch(7, [100003]))).toBe(
      '5eb5e92227a3e308981c80b442de6a6b2849d8938892d5a60bffb88143204f05',
    );
  });

  it('is deterministic and standard normal on a 1×4×128×128 latent', () => {
    const first = randnLikeTorch(1234, [1, 4, 128, 128]);
    const second = randnLikeTorch(1234, [1, 4, 128, 128]);
    expect(first).toHaveLength(65536);
    expect(sha256OfFloats(second)).toBe(sha256OfFloats(first));
    expect(sha256OfFloats(randnLikeTorch(1235, [1, 4, 128, 128]))).not.toBe(sha256OfFloats(first));

    let sum = 0;
    let sumOfSquares = 0;
    for (const value of first) {
      sum += value;
      sumOfSquares += value * value;
    }
    const mean = sum / first.length;
    const std = Math.sqrt(sumOfSquares / first.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.02); // 5 standard errors of the mean
    expect(Math.abs(std - 1)).toBeLessThan(0.015);
  });

  it('redraws and recomputes the last 16 values when the count is not a multiple of 16', () => {
    const n16 = randnLikeTorch(0, [16]);
    const n17 = randnLikeTorch(0, [17]);
    const n32 = randnLikeTorch(0, [32]);
    // torch.randn(17): element 0 is the first block's; elements 1..16 are a fresh block.
    expect(Array.from(n17)).toEqual([
      -1.1258398294448853, -1.6959311962127686, 0.5666506290435791, 0.7935083508491516,
      0.5988394618034363, -1.5550950765609741, -0.3413603901863098, 1.85300612449646,
      0.46809640526771545, -0.5854975581169128, -0.1733967512845993, 0.18347793817520142,
      1.3893661499023438, 1.586334228515625, 0.946298360824585, -0.843676745891571,
      0.9318265914916992,
    ]);
    expect(n17[0]).toBe(n16[0]);
    expect(n32.subarray(0, 16)).toEqual(n16);
    // The fresh block of 17 uses uniforms 17..32, the second block of 32 uniforms 16..31: the
    // Box–Muller pairs (j, j + 8) of the one are the pairs (j + 1, j + 9) of the other, so 14 of
    // the 16 values coincide, one position apart, and the remaining two do not.
    for (let j = 0; j < 7; j++) {
      expect(n17[1 + j]).toBe(n32[17 + j]);
      expect(n17[9 + j]).toBe(n32[25 + j]);
    }
    expect(n17[8]).not.toBe(n32[24]);

    // The same, said with the generator: draw 17 uniforms, then a block of 16.
    const generator = new TorchCpuGenerator(0);
    for (let i = 0; i < 17; i++) generator.randomUint32();
    expect(generator.fillNormal(new Float32Array(16))).toEqual(n17.subarray(1));
  });

  it('draws fewer than 16 values one by one in double precision', () => {
    expect(Array.from(randnLikeTorch(0, [2, 3]))).toEqual([
      1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991,
      -1.0845223665237427, -1.3985954523086548,
    ]);
    expect(randnLikeTorch(0, [0])).toHaveLength(0);
  });

  it('refuses seeds and shapes it cannot honour', () => {
    expect(() => randnLikeTorch(-1, [4])).toThrow(
      new RangeError('Expected a non-negative safe integer for seed but received -1'),
    );
    expect(() => randnLikeTorch(1.5, [4])).toThrow(RangeError);
    expect(() => randnLikeTorch(2 ** 53, [4])).toThrow(
      'Expected a non-negative safe integer for seed but received 9007199254740992',
    );
    expect(() => randnLikeTorch('7' as unknown as number, [4])).toThrow(
      new TypeError('Expected a non-negative safe integer for seed but received "7"'),
    );
    expect(randnLikeTorch(2 ** 53 - 1, [4])).toHaveLength(4);
    expect(() => randnLikeTorch(0, [2, -1])).toThrow(
      'Expected an array of non-negative integers for shape but received an array of length 2',
    );
  });
});
