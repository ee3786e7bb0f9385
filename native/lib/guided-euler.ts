import { binding } from './load-binding';
import { rangeError, typeError } from './validate';

/** One fused step of a guided Euler sampler; every number is used as a float32. */
export interface GuidedEulerStep {
  /** `[unconditional; conditional]` noise predictions: twice the length of `sample`. */
  noise: Float32Array;
  guidance: number;
  /** σ of this step, and `dt = σ_next − σ` (float32 values). */
  sigma: number;
  dt: number;
  sample: Float32Array;
  /** Where the next latents go (may be `sample` itself). */
  out: Float32Array;
  /** Where the next step's model input goes, `next / nextScale`; left out on the last step. */
  nextInput?: Float32Array;
  nextScale?: number;
}

function checkFloats(value: unknown, name: string, length: number): void {
  if (!(value instanceof Float32Array)) throw typeError('a Float32Array', name, value);
  if (value.length !== length) throw rangeError(`a Float32Array of ${length} values`, name, value);
}

function checkNumber(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError('a finite number', name, value);
}

/**
 * Classifier-free guidance and an Euler step in one pass, in float32 as torch computes them:
 * `ε = u + g·(c − u)`, `x₀ = x − σε`, `d = (x − x₀)/σ`, `x' = x + d·dt`, and the next model input
 * `x'/nextScale`. Bit for bit the same as those float32 operations done one by one (no fused
 * multiply-add), a few times faster than the same loop in JavaScript.
 */
export function guidedEulerStep(step: GuidedEulerStep): void {
  const { noise, guidance, sigma, dt, sample, out, nextInput, nextScale = 1 } = step;
  if (!(sample instanceof Float32Array)) throw typeError('a Float32Array', 'sample', sample);
  checkFloats(noise, 'noise', 2 * sample.length);
  checkFloats(out, 'out', sample.length);
  if (nextInput !== undefined) checkFloats(nextInput, 'nextInput', sample.length);
  for (const [name, value] of [['guidance', guidance], ['sigma', sigma], ['dt', dt], ['nextScale', nextScale]] as const) checkNumber(value, name);
  binding().guidedEulerStep(noise, guidance, sigma, dt, sample, out, nextInput, nextScale);
}
