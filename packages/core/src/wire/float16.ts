/**
 * IEEE 754 binary16 ("half float") conversions. Node 20 has no Float16Array, so a float16 tensor
 * holds the raw 16-bit patterns in a Uint16Array; these turn JS numbers into those patterns and
 * back, for tensors that travel as JSON numbers.
 */

// Big-endian reads of the double's two 32-bit halves: byte order no longer depends on the host.
const scratch = new DataView(new ArrayBuffer(8));

/** A quiet NaN. Every NaN maps to this one pattern: JS does not let a NaN's bits be relied on. */
const HALF_NAN = 0x7e00;
const HALF_INFINITY = 0x7c00;

/**
 * The float16 bit pattern nearest to `value`, ties to the even pattern (IEEE round-to-nearest-even,
 * straight from the double, so there is no double rounding through float32). Values that round
 * beyond the largest half, 65504, become ±Infinity; subnormals and -0 are kept.
 *
 * @example toHalfBits(1) === 0x3c00; toHalfBits(65520) === 0x7c00 (Infinity)
 */
export function toHalfBits(value: number): number {
  scratch.setFloat64(0, value);
  const high = scratch.getUint32(0);
  const low = scratch.getUint32(4);
  const sign = (high >>> 16) & 0x8000;
  const biasedExponent = (high >>> 20) & 0x7ff;
  if (biasedExponent === 0x7ff)
    return ((high & 0xfffff) | low) === 0 ? sign | HALF_INFINITY : HALF_NAN;
  const exponent = biasedExponent - 1023;
  if (exponent > 15) return sign | HALF_INFINITY;
  if (exponent >= -14) {
    // A normal half keeps the top 10 of the double's 52 fraction bits: bits 19..10 of `high`.
    // Bit 9 is the first one dropped; below it, any set bit means "more than halfway".
    const kept = ((exponent + 15) << 10) | ((high >>> 10) & 0x3ff);
    const halfway = (high & 0x200) !== 0;
    const beyondHalfway = ((high & 0x1ff) | low) !== 0;
    const roundUp = halfway && (beyondHalfway || (kept & 1) === 1);
    // Rounding up 0x3ff carries into the exponent, which is right; past 65504 it reaches Infinity.
    return sign | (kept + (roundUp ? 1 : 0));
  }
  // Below half the smallest subnormal (2^-24), or exactly half of it (a tie, to the even zero).
  if (exponent < -25) return sign;
  // A subnormal half counts units of 2^-24. Scaling by a power of two is exact in a double, and
  // so is the fraction `units - whole`, so the tie test below is exact.
  const units = Math.abs(value) * 2 ** 24;
  const whole = Math.floor(units);
  const fraction = units - whole;
  const roundUp = fraction > 0.5 || (fraction === 0.5 && (whole & 1) === 1);
  // Rounding up 1023 gives 1024: the smallest normal half, whose pattern is exactly 0x400.
  return sign | (whole + (roundUp ? 1 : 0));
}

/**
 * The number a float16 bit pattern stands for (exact: every half is a double).
 *
 * @example fromHalfBits(0x3c00) === 1; fromHalfBits(0x0001) === 2 ** -24
 */
export function fromHalfBits(bits: number): number {
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  let magnitude: number;
  if (exponent === 0) magnitude = fraction * 2 ** -24;
  else if (exponent === 0x1f) magnitude = fraction === 0 ? Infinity : NaN;
  else magnitude = (fraction + 0x400) * 2 ** (exponent - 25);
  return bits & 0x8000 ? -magnitude : magnitude;
}
