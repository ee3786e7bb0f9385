import { rangeError, typeError } from '../argument-errors';
import { Mt19937 } from './mt19937';
import { normalFillAvx2 } from './normal-fill-avx2';

/** `default_rng_seed_val`: the seed of a `torch.Generator()` nobody has seeded. */
const TORCH_DEFAULT_SEED = 67280421310721;
const TWO_POW_32 = 4294967296;
const FLOAT32_MANTISSA_MASK = 0xffffff; // 24 bits: std::numeric_limits<float>::digits
const TWO_POW_MINUS_24 = 2 ** -24;
const FLOAT64_HIGH_MASK = 0x1fffff; // 21 high bits + 32 low bits = 53: digits of a double
const TWO_POW_MINUS_53 = 2 ** -53;
// Below this many float32 elements torch draws normals one at a time, in double precision.
const VECTORIZED_MIN_ELEMENTS = 16;

/** Checks a seed the way callers pass one: a non-negative safe integer. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number') throw typeError('a non-negative safe integer', 'seed', seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw rangeError('a non-negative safe integer', 'seed', seed);
  }
  return seed;
}

/**
 * torch's CPU generator (`torch.Generator('cpu')`): the same Mersenne Twister, the same ways of
 * turning its 32-bit draws into integers, uniforms and normals, and the same cached second
 * Box–Muller value, so a sequence of calls gives what the same sequence of torch calls gives on
 * x86 with AVX2.
 *
 * @example
 * const generator = new TorchCpuGenerator(137);
 * generator.randint(0, 0xffffffff); // torch.randint(0, 0xFFFFFFFF, [1]).item()
 * generator.fillNormal(new Float32Array(16)); // torch.zeros(16).normal_()
 */
export class TorchCpuGenerator {
  private readonly engine: Mt19937;
  private seedValue: number;
  private nextDoubleNormal: number | undefined;

  constructor(seed: number = TORCH_DEFAULT_SEED) {
    this.seedValue = checkSeed(seed);
    this.engine = new Mt19937(seed);
  }

  /** `manual_seed`: restarts the sequence (torch keeps the seed's low 32 bits for the engine). */
  manualSeed(seed: number): this {
    this.seedValue = checkSeed(seed);
    this.engine.seed(seed);
    this.nextDoubleNormal = undefined;
    return this;
  }

  /** `initial_seed()`: the seed last given. */
  initialSeed(): number {
    return this.seedValue;
  }

  /** `random()`: the next 32-bit draw. */
  randomUint32(): number {
    return this.engine.nextUint32();
  }

  /** `uniform_real_distribution<float>(0, 1)`: 24 random bits, a float32 in [0, 1). */
  uniformFloat32(): number {
    return (this.engine.nextUint32() & FLOAT32_MANTISSA_MASK) * TWO_POW_MINUS_24;
  }

  /** `uniform_real_distribution<double>(0, 1)`: 53 bits of `random64()`, a double in [0, 1). */
  uniformFloat64(): number {
    const high = this.engine.nextUint32();
    const low = this.engine.nextUint32();
    return ((high & FLOAT64_HIGH_MASK) * TWO_POW_32 + low) * TWO_POW_MINUS_53;
  }

  /**
   * `normal_distribution<double>(mean, std)`: Box–Muller on two double uniforms; the sine half is
   * kept for the next call, the way torch's generator caches it.
   */
  normalFloat64(mean = 0, std = 1): number {
    if (this.nextDoubleNormal !== undefined) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = undefined;
      return cached * std + mean;
    }
    const u1 = this.uniformFloat64();
    const u2 = this.uniformFloat64();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta) * std + mean;
  }

  /**
   * `torch.randint(low, high, [1], generator=g).item()`: `draw % (high − low) + low`, from one
   * 32-bit draw when the range is below 2³² and from a 64-bit draw (two of them) otherwise.
   */
  randint(low: number, high: number): number {
    if (typeof low !== 'number') throw typeError('a safe integer', 'low', low);
    if (!Number.isSafeInteger(low)) throw rangeError('a safe integer', 'low', low);
    if (typeof high !== 'number') throw typeError('a safe integer', 'high', high);
    if (!Number.isSafeInteger(high) || high <= low) {
      throw rangeError(`a safe integer above low (${low})`, 'high', high);
    }
    const range = high - low;
    if (range < TWO_POW_32) return (this.engine.nextUint32() % range) + low;
    const high32 = BigInt(this.engine.nextUint32());
    const low32 = BigInt(this.engine.nextUint32());
    return Number(((high32 << 32n) | low32) % BigInt(range)) + low;
  }

  /**
   * `tensor.normal_(mean, std, generator=g)` for a contiguous float32 tensor, in place: 16 or more
   * elements take torch's vectorised float32 path (`normal_fill_16_AVX2`), fewer are drawn one by
   * one in double precision and rounded to float32.
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    if (!(out instanceof Float32Array)) throw typeError('a Float32Array', 'out', out);
    if (typeof mean !== 'number') throw typeError('a finite number', 'mean', mean);
    if (!Number.isFinite(mean)) throw rangeError('a finite number', 'mean', mean);
    if (typeof std !== 'number') throw typeError('a finite number ≥ 0', 'std', std);
    if (!(std >= 0) || !Number.isFinite(std)) throw rangeError('a finite number ≥ 0', 'std', std);
    if (out.length >= VECTORIZED_MIN_ELEMENTS) {
      normalFillAvx2(out, mean, std, this);
    } else {
      for (let i = 0; i < out.length; i++) out[i] = this.normalFloat64(mean, std);
    }
    return out;
  }
}
