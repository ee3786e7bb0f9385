import { guidedEulerStep } from '../lib';

const { fround: f32 } = Math;

/** The step as float32 operations one at a time, each rounded (what torch computes on float32 tensors). */
function reference(noise: Float32Array, g: number, sigma: number, dt: number, sample: Float32Array, nextScale: number) {
  const n = sample.length;
  const out = new Float32Array(n);
  const next = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = noise[i]!;
    const epsilon = f32(u + f32(g * f32(noise[n + i]! - u)));
    const x = sample[i]!;
    const x0 = f32(x - f32(sigma * epsilon));
    const d = f32(f32(x - x0) / sigma);
    out[i] = f32(x + f32(d * dt));
    next[i] = f32(out[i]! / nextScale);
  }
  return { out, next };
}

/** Deterministic float32 values spanning many magnitudes and both signs. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 2 ** 32) * 2 - 1) * 2 ** ((state % 23) - 8);
  }
  return out;
}

describe('guidedEulerStep', () => {
  it.each([
    [5, 11.67605, 9.338079 - 11.67605, 1, 3],
    [7.5, 0.201794, 0.041314 - 0.201794, 2, 17],
    [1.0, 3.5, -0.75, 0, 1],
  ])('is bit for bit the float32 operations one by one (g %p, σ %p)', (g, sigma, dt, seed, length) => {
    const n = 4 * length * 33; // odd sizes too: the vector loop's tail
    const noise = values(2 * n, seed);
    const sample = values(n, seed + 100);
    const [gf, sf, df] = [f32(g), f32(sigma), f32(dt)];
    const scale = f32(Math.sqrt(f32(f32(sf * sf) + 1)));
    const expected = reference(noise, gf, sf, df, sample, scale);
    const out = new Float32Array(n);
    const nextInput = new Float32Array(n);
    guidedEulerStep({ noise, guidance: gf, sigma: sf, dt: df, sample, out, nextInput, nextScale: scale });
    expect(Buffer.from(out.buffer).equals(Buffer.from(expected.out.buffer))).toBe(true);
    expect(Buffer.from(nextInput.buffer).equals(Buffer.from(expected.next.buffer))).toBe(true);
  });

  it('steps in place and leaves out the next input on the last step', () => {
    const noise = values(16, 9);
    const sample = values(8, 10);
    const expected = reference(noise, 5, 2, -1, sample, 1).out;
    guidedEulerStep({ noise, guidance: 5, sigma: 2, dt: -1, sample, out: sample });
    expect(Array.from(sample)).toEqual(Array.from(expected));
  });

  it('refuses mismatched buffers and numbers that are not finite, naming them', () => {
    const sample = new Float32Array(4);
    const ok = { noise: new Float32Array(8), guidance: 5, sigma: 1, dt: -0.5, sample, out: new Float32Array(4) };
    expect(() => guidedEulerStep({ ...ok, noise: new Float32Array(4) })).toThrow('Expected a Float32Array of 8 values for noise but received Float32Array(4)');
    expect(() => guidedEulerStep({ ...ok, out: new Float32Array(5) })).toThrow('for out');
    expect(() => guidedEulerStep({ ...ok, nextInput: new Float64Array(4) as unknown as Float32Array })).toThrow('Expected a Float32Array for nextInput');
    expect(() => guidedEulerStep({ ...ok, sigma: Number.NaN })).toThrow('Expected a finite number for sigma but received NaN');
  });
});
