/**
 * One lane of `log256_ps` and `sincos256_ps` from torch's `avx_mathfun.h` (Cephes float32
 * polynomials by way of Julien Pommier's sse_mathfun), reproduced bit for bit: every operation is
 * a float32 operation (`Math.fround` after each one, as the vector unit rounds), in the order the
 * vector code performs them, with its range reduction constants and its sign handling. libm's
 * `logf`/`sinf`/`cosf` round differently in about a third of the values torch's AVX2 `randn`
 * computes, so this is what makes `randnLikeTorch` exact.
 *
 * torch's x86 Linux builds compile this header with GCC, `-mavx2 -mfma` and GCC's default
 * `-ffp-contract=fast`, so GCC fuses some of the multiplies and adds into FMA instructions (one
 * rounding instead of two). The fused operations below are the ones in the compiled AVX2 kernel
 * (read from its disassembly); computing them unfused changes about 1 % of the normals by one ulp.
 */

import { fusedMultiplyAddFloat32 as fma } from '../numeric/fused-multiply-add-float32';

// Read once: a global lookup on every call is slow where the global object is a proxy (Jest's VM
// contexts).
const { fround: f32, trunc, abs } = Math;
const NOT_A_NUMBER = Number.NaN;

// The constants are written as the C header writes them (double literals stored in floats).
const MIN_NORM_POS = 2 ** -126; // 0x00800000, the smallest normal float
const SQRT_HALF = f32(0.707106781186547524);
const LOG_P0 = f32(7.0376836292e-2);
const LOG_P1 = f32(-1.151461031e-1);
const LOG_P2 = f32(1.167699874e-1);
const LOG_P3 = f32(-1.2420140846e-1);
const LOG_P4 = f32(1.4249322787e-1);
const LOG_P5 = f32(-1.6668057665e-1);
const LOG_P6 = f32(2.0000714765e-1);
const LOG_P7 = f32(-2.4999993993e-1);
const LOG_P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);

const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
const MINUS_DP3 = f32(-3.77489497744594108e-8);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);
const FOUR_OVER_PI = f32(1.27323954473516);

const MANTISSA_AND_SIGN = ~0x7f800000;
const HALF_BITS = 0x3f000000; // 0.5f: puts the mantissa in [0.5, 1)
const EXPONENT_BIAS = 127;
const INT32_INDEFINITE = -0x80000000; // what cvttps2dq gives for NaN and out-of-range values

// Reinterpreting a float's bits, as the vector code's integer instructions do.
const floatView = new Float32Array(1);
const bitsView = new Int32Array(floatView.buffer);

function bitsOf(x: number): number {
  floatView[0] = x;
  return bitsView[0];
}

function floatFromBits(bits: number): number {
  bitsView[0] = bits;
  return floatView[0];
}

/** `_mm256_cvttps_epi32`: truncation toward zero, the "integer indefinite" value when it cannot. */
function truncateToInt32(x: number): number {
  return x > -2147483649 && x < 2147483648 ? trunc(x) | 0 : INT32_INDEFINITE;
}

/**
 * The natural logarithm of a float32, as one lane of `log256_ps`: NaN for x ≤ 0, denormals
 * treated as the smallest normal.
 */
export function logFloat32Avx2(input: number): number {
  // max_ps returns its second operand when the first is NaN, so a NaN lane becomes the minimum.
  let x = input > MIN_NORM_POS ? input : MIN_NORM_POS;
  const bits = bitsOf(x);
  x = floatFromBits((bits & MANTISSA_AND_SIGN) | HALF_BITS);
  let e = f32((bits >>> 23) - EXPONENT_BIAS);
  e = f32(e + 1);

  // Below √½ the mantissa is doubled and the exponent lowered, keeping the argument near 1.
  const belowSqrtHalf = x < SQRT_HALF;
  const kept = belowSqrtHalf ? x : 0;
  x = f32(x - 1);
  e = f32(e - (belowSqrtHalf ? 1 : 0));
  x = f32(x + kept);

  const z = f32(x * x);
  let y = LOG_P0;
  y = fma(y, x, LOG_P1);
  y = fma(y, x, LOG_P2);
  y = fma(y, x, LOG_P3);
  y = fma(y, x, LOG_P4);
  y = fma(y, x, LOG_P5);
  y = fma(y, x, LOG_P6);
  y = fma(y, x, LOG_P7);
  y = fma(y, x, LOG_P8);
  y = f32(y * x);
  // y·z + e·q1: the product y·z is fused into the add, e·q1 is rounded on its own.
  y = fma(y, z, f32(e * LOG_Q1));
  y = fma(-z, 0.5, y);
  x = fma(e, LOG_Q2, f32(x + y));
  // The invalid mask is all ones: a NaN for x ≤ 0.
  return input <= 0 ? NOT_A_NUMBER : x;
}

/** Where `sinCosFloat32Avx2` writes its two results, so that a call allocates nothing. */
export interface SinCos {
  sin: number;
  cos: number;
}

/** The sine and cosine of a float32, as one lane of `sincos256_ps` (accurate for |x| < 8192). */
export function sinCosFloat32Avx2(input: number, out: SinCos): void {
  const negative = input < 0 || (input === 0 && 1 / input < 0); // -0 has its sign bit set
  let x = abs(input);

  // Octant j = (trunc(x·4/π) + 1) & ~1, then x is reduced by j·π/4 in three float parts.
  let j = truncateToInt32(f32(x * FOUR_OVER_PI));
  j = (j + 1) & ~1;
  const octant = f32(j);
  const sinSignFlipped = (j & 4) !== 0;
  const useSinPolynomialForSin = (j & 2) === 0;
  const cosNegative = ((j - 2) & 4) === 0;

  x = fma(octant, MINUS_DP1, x);
  x = fma(octant, MINUS_DP2, x);
  x = fma(octant, MINUS_DP3, x);

  const z = f32(x * x);
  let cosPoly = COS_P0;
  cosPoly = fma(cosPoly, z, COS_P1);
  cosPoly = fma(cosPoly, z, COS_P2);
  cosPoly = f32(cosPoly * z);
  // y·z − z·½: the product y·z is fused into the subtraction, z·½ is rounded on its own.
  cosPoly = fma(cosPoly, z, -f32(z * 0.5));
  cosPoly = f32(cosPoly + 1);

  let sinPoly = SIN_P0;
  sinPoly = fma(sinPoly, z, SIN_P1);
  sinPoly = fma(sinPoly, z, SIN_P2);
  sinPoly = f32(sinPoly * z);
  sinPoly = fma(sinPoly, x, x);

  // The vector code selects with and/andnot masks (a masked-out lane is +0) and then adds and
  // subtracts, which can turn a -0 into +0: done literally to keep those zeros' signs.
  const sinFromSinPoly = useSinPolynomialForSin ? sinPoly : 0;
  const sinFromCosPoly = useSinPolynomialForSin ? 0 : cosPoly;
  const cosFromSinPoly = f32(sinPoly - sinFromSinPoly);
  const cosFromCosPoly = f32(cosPoly - sinFromCosPoly);
  const sin = f32(sinFromCosPoly + sinFromSinPoly);
  const cos = f32(cosFromCosPoly + cosFromSinPoly);

  // xor with the sign bit is a negation, zeros and NaNs included.
  out.sin = negative !== sinSignFlipped ? -sin : sin;
  out.cos = cosNegative ? -cos : cos;
}
