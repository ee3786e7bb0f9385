import { logFloat32Avx2, sinCosFloat32Avx2, type SinCos } from './avx2-mathfun';

const FLOAT32_EPSILON = 2 ** -23;

describe('the AVX2 Cephes lanes', () => {
  it('computes float32 logarithms to within two float32 ulps', () => {
    for (let i = 1; i <= 2000; i++) {
      const x = Math.fround(i / 2000);
      const expected = Math.log(x);
      const tolerance = 2 * FLOAT32_EPSILON * Math.max(Math.abs(expected), 2 ** -10);
      expect(Math.abs(logFloat32Avx2(x) - expected)).toBeLessThanOrEqual(tolerance);
    }
    expect(logFloat32Avx2(1)).toBe(0);
    expect(logFloat32Avx2(2 ** -24)).toBeCloseTo(-24 * Math.LN2, 5);
  });

  it('gives NaN for x ≤ 0 and treats denormals as the smallest normal, as the vector code does', () => {
    expect(logFloat32Avx2(0)).toBeNaN();
    expect(logFloat32Avx2(-1)).toBeNaN();
    expect(logFloat32Avx2(1e-45)).toBe(logFloat32Avx2(2 ** -126));
  });

  it('computes float32 sines and cosines over [-2π, 2π] to within two float32 ulps of 1', () => {
    const out: SinCos = { sin: 0, cos: 0 };
    for (let i = -2000; i <= 2000; i++) {
      const x = Math.fround((i / 2000) * 2 * Math.PI);
      sinCosFloat32Avx2(x, out);
      expect(Math.abs(out.sin - Math.sin(x))).toBeLessThanOrEqual(2 * FLOAT32_EPSILON);
      expect(Math.abs(out.cos - Math.cos(x))).toBeLessThanOrEqual(2 * FLOAT32_EPSILON);
    }
  });

  it('is odd in the sine and even in the cosine (the sign handling)', () => {
    const positive: SinCos = { sin: 0, cos: 0 };
    const negative: SinCos = { sin: 0, cos: 0 };
    for (const x of [0.1, 1, 2.5, 4, 6.2]) {
      sinCosFloat32Avx2(Math.fround(x), positive);
      sinCosFloat32Avx2(Math.fround(-x), negative);
      expect(negative.sin).toBe(-positive.sin);
      expect(negative.cos).toBe(positive.cos);
    }
  });
});
