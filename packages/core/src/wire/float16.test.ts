import { fromHalfBits, toHalfBits } from './float16';

// An independent reference, built a different way from the code under test: a half is decoded by
// rebuilding it as float32 bits (every half is a float32), and a number is encoded by searching
// the sorted table of all halves for the nearest one.

const f32 = new DataView(new ArrayBuffer(4));

function referenceDecode(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exponent = (bits >> 10) & 0x1f;
  let fraction = bits & 0x3ff;
  let f32Bits: number;
  if (exponent === 0x1f) f32Bits = sign | 0x7f800000 | (fraction << 13);
  else if (exponent !== 0) f32Bits = sign | ((exponent - 15 + 127) << 23) | (fraction << 13);
  else if (fraction === 0) f32Bits = sign;
  else {
    // A subnormal half is a normal float32: shift its leading 1 up to the implicit bit.
    let e = -14;
    while ((fraction & 0x400) === 0) {
      fraction <<= 1;
      e--;
    }
    f32Bits = sign | ((e + 127) << 23) | ((fraction & 0x3ff) << 13);
  }
  f32.setUint32(0, f32Bits >>> 0);
  return f32.getFloat32(0);
}

/** Every non-negative half in order of its bits (which is numeric order), then 2^16 standing in for Infinity. */
const LADDER = Float64Array.from({ length: 0x7c01 }, (_, bits) =>
  bits === 0x7c00 ? 2 ** 16 : referenceDecode(bits),
);

function referenceEncode(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const x = Math.abs(value);
  if (x >= 2 ** 16) return sign | 0x7c00;
  // The last rung at or below x.
  let lo = 0;
  let hi = 0x7c00;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (LADDER[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (LADDER[lo] === x) return sign | lo;
  // Halves have 11 significant bits, so the midpoint of two neighbours is exact in a double.
  const midpoint = (LADDER[lo]! + LADDER[lo + 1]!) / 2;
  if (x < midpoint) return sign | lo;
  if (x > midpoint) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

const f64 = new DataView(new ArrayBuffer(8));
/** The next double after `x` going up (+1) or down (-1) in magnitude; x > 0. */
function nextDouble(x: number, step: 1 | -1): number {
  f64.setFloat64(0, x);
  f64.setBigUint64(0, f64.getBigUint64(0) + BigInt(step));
  return f64.getFloat64(0);
}

const isNanBits = (bits: number) => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;

describe('float16', () => {
  it('decodes every one of the 65536 bit patterns like the float32-bits reference', () => {
    const wrong: string[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if (!Object.is(fromHalfBits(bits), referenceDecode(bits))) wrong.push(bits.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('round-trips every non-NaN pattern half → number → half, and sends every NaN to a NaN', () => {
    const wrong: string[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const back = toHalfBits(fromHalfBits(bits));
      if (isNanBits(bits) ? !isNanBits(back) : back !== bits)
        wrong.push(`${bits.toString(16)}→${back.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds the exact midpoint of every two neighbouring halves to the even one, and just off it to the nearer', () => {
    const wrong: string[] = [];
    for (let lo = 0; lo < 0x7c00; lo++) {
      const midpoint = (LADDER[lo]! + LADDER[lo + 1]!) / 2;
      const even = lo % 2 === 0 ? lo : lo + 1;
      for (const sign of [0, 0x8000]) {
        const s = sign ? -1 : 1;
        const cases: Array<[number, number]> = [
          [midpoint, even],
          [nextDouble(midpoint, -1), lo],
          [nextDouble(midpoint, 1), lo + 1],
        ];
        for (const [x, expected] of cases) {
          if (toHalfBits(s * x) !== (sign | expected))
            wrong.push(`${s * x}→${toHalfBits(s * x).toString(16)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with the nearest-in-the-table reference on 200,000 random doubles of every magnitude a half can reach', () => {
    // xorshift32: deterministic, so a failure reproduces.
    let state = 0x9e3779b9;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const wrong: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const x = (random() < 0.5 ? -1 : 1) * (1 + random()) * 2 ** Math.floor(random() * 50 - 30);
      if (toHalfBits(x) !== referenceEncode(x)) wrong.push(String(x));
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    [0.5, '0x3800'],
    [1, '0x3c00'],
    [65504, '0x7bff'],
    [-2, '0xc000'],
    [0.1, '0x2e66'],
    [0, '0x0000'],
    [-0, '0x8000'],
    [65519.99, '0x7bff'],
    [65520, '0x7c00'],
    [-1e6, '0xfc00'],
    [Infinity, '0x7c00'],
    [-Infinity, '0xfc00'],
    [NaN, '0x7e00'],
    [2 ** -24, '0x0001'],
    [2 ** -25, '0x0000'],
    [-(2 ** -25), '0x8000'],
    [nextDouble(2 ** -25, 1), '0x0001'],
    [1.5 * 2 ** -24, '0x0002'],
    [2.5 * 2 ** -24, '0x0002'],
    [1023.5 * 2 ** -24, '0x0400'],
    [2 ** -14, '0x0400'],
    [5e-324, '0x0000'],
    [Number.MAX_VALUE, '0x7c00'],
  ])('turns %p into %s', (value, bits) => {
    expect(`0x${toHalfBits(value).toString(16).padStart(4, '0')}`).toBe(bits);
  });
});
