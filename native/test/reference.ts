// Plain reference implementations the native marshalling must match bit for bit.
// float32 arithmetic is emulated with Math.fround after every operation (exact: a double
// holds enough bits that rounding twice gives the float32 result for + - * /).
const f = Math.fround;

/** IEEE binary32 -> binary16 bits, round to nearest even, written with plain arithmetic. */
export function refFloatToHalf(value: number): number {
  const v = f(value);
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  if (Number.isNaN(v)) return sign | 0x7e00 | ((bits >>> 13) & 0x3ff);
  const a = Math.abs(v);
  if (a === Infinity || a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // subnormal (may round up to 0x400)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  let m = roundHalfEven(a / 2 ** (e - 10)); // 1024..2048
  if (m === 2048) {
    m = 1024;
    e += 1;
  }
  return sign | ((e + 15) << 10) | (m - 1024);
}

/** IEEE binary16 bits -> number (exact). */
export function refHalfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** (x * scale - mean[c]) / std[c] in float32, H x W x C -> C x H x W. */
export function refImageToTensor(data: Uint8Array, pixels: number, channels: number, scale: number,
  mean: number[], std: number[]): Float32Array {
  const out = new Float32Array(pixels * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < pixels; p++) {
      out[c * pixels + p] = f(f(f(data[p * channels + c] * f(scale)) - f(mean[c])) / f(std[c]));
    }
  }
  return out;
}

/** clamp(roundHalfEven((t * std[c] + mean[c]) / scale), 0, 255), NaN -> 0, C x H x W -> H x W x C. */
export function refTensorToImage(data: ArrayLike<number>, pixels: number, channels: number, scale: number,
  mean: number[], std: number[]): Uint8Array {
  const out = new Uint8Array(pixels * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < pixels; p++) {
      const v = f(f(f(f(data[c * pixels + p]) * f(std[c])) + f(mean[c])) / f(scale));
      out[p * channels + c] = !(v > 0) ? 0 : v >= 255 ? 255 : roundHalfEven(v);
    }
  }
  return out;
}
