import { guidedEulerStep } from '@bento/native';
import { checkInteger, rangeError, typeError } from '../argument-errors';
import {
  parseEulerDiscreteSchedulerConfig,
  type EulerDiscreteSchedulerConfig,
} from './euler-discrete-config';
import { alphasCumprod, sigmaOf, trainingBetas, trainingSigmas } from './noise-schedule';
import { interpolateAtIndex } from '../numeric/numpy-float64';
import { inferenceTimesteps } from './timestep-spacing';

// Read once: a global lookup per element is slow where the global object is a proxy (Jest's VM
// contexts), and these run over every latent element at every step.
const { fround: f32, sqrt } = Math;

/** `(σ² + 1)^½` in float32, as torch computes it on a float32 σ. */
function noisyInputScale(sigma: number): number {
  return f32(sqrt(f32(f32(sigma * sigma) + 1)));
}

/**
 * diffusers' `EulerDiscreteScheduler` (Karras et al.'s Euler sampler on a discrete DDPM schedule)
 * for epsilon-predicting models, as SDXL uses it, with torch's float32 arithmetic. The per-step
 * methods write into buffers the caller owns and allocate nothing.
 *
 * @example
 * const scheduler = EulerDiscreteScheduler.fromConfig(schedulerConfigJson);
 * scheduler.setTimesteps(25);
 * latents.forEach((x, i) => (latents[i] = x * scheduler.initNoiseSigma));
 * for (let i = 0; i < scheduler.timesteps.length; i++) {
 *   scheduler.scaleModelInput(latents, i, modelInput);
 *   const epsilon = await unet(modelInput, scheduler.timesteps[i]);
 *   scheduler.step(epsilon, i, latents, latents);
 * }
 */
export class EulerDiscreteScheduler {
  /** The settings in force, diffusers' defaults filled in. */
  readonly config: Readonly<EulerDiscreteSchedulerConfig>;
  private readonly alphasCumprod: Float32Array;
  private readonly trainingSigmas: Float32Array;
  private timestepValues: Float32Array = new Float32Array(0);
  private sigmaValues: Float32Array = new Float32Array(0);

  /** A scheduler from a `scheduler_config.json` object; refuses settings not implemented. */
  static fromConfig(config: unknown): EulerDiscreteScheduler {
    return new EulerDiscreteScheduler(parseEulerDiscreteSchedulerConfig(config));
  }

  /** A scheduler from (part of) a config; absent fields take diffusers' defaults. */
  constructor(config: Partial<EulerDiscreteSchedulerConfig> = {}) {
    this.config = Object.freeze(parseEulerDiscreteSchedulerConfig(config));
    this.alphasCumprod = alphasCumprod(trainingBetas(this.config));
    this.trainingSigmas = trainingSigmas(this.alphasCumprod);
  }

  /**
   * Chooses the timesteps for `steps` denoising steps (`set_timesteps`) and their σ, with a
   * final σ after the last step (0, or the smallest training σ for `final_sigmas_type:
   * 'sigma_min'`).
   */
  setTimesteps(steps: number): void {
    checkInteger(steps, 'steps', 1, this.config.num_train_timesteps);
    const timesteps = inferenceTimesteps(this.config, steps);
    const sigmas = new Float32Array(timesteps.length + 1);
    timesteps.forEach((t, i) => (sigmas[i] = interpolateAtIndex(t, this.trainingSigmas)));
    sigmas[timesteps.length] =
      this.config.final_sigmas_type === 'zero' ? 0 : sigmaOf(this.alphasCumprod[0]);
    this.timestepValues = timesteps;
    this.sigmaValues = sigmas;
  }

  /** The timestep to give the model at each step (float32), from the noisiest down. */
  get timesteps(): Float32Array {
    return this.timestepValues;
  }

  /** σ at each step, plus the final σ: one more than `timesteps`. */
  get sigmas(): Float32Array {
    return this.sigmaValues;
  }

  /**
   * What the initial noise is multiplied by: the largest σ, or √(σ² + 1) of it with `leading`
   * spacing (where the first timestep is not the last training step).
   */
  get initNoiseSigma(): number {
    this.checkTimestepsSet();
    const largest = this.sigmaValues.reduce((a, b) => Math.max(a, b));
    return this.config.timestep_spacing === 'leading' ? noisyInputScale(largest) : largest;
  }

  /**
   * The model's input at step `stepIndex`: `sample / √(σ² + 1)`, written to `out` (which may be
   * `sample` itself).
   */
  scaleModelInput(sample: Float32Array, stepIndex: number, out: Float32Array): Float32Array {
    this.checkStep(stepIndex);
    checkBuffer(sample, 'sample');
    checkBuffer(out, 'out', sample.length);
    const scale = noisyInputScale(this.sigmaValues[stepIndex]);
    for (let i = 0; i < sample.length; i++) out[i] = f32(sample[i] / scale);
    return out;
  }

  /**
   * One Euler step from σ to the next σ for an epsilon prediction, written to `out` (which may be
   * `sample` or `epsilon`): x₀ = x − σε, d = (x − x₀)/σ, x' = x + d·(σ_next − σ), each in float32.
   */
  step(
    epsilon: Float32Array,
    stepIndex: number,
    sample: Float32Array,
    out: Float32Array,
  ): Float32Array {
    this.checkStep(stepIndex);
    checkBuffer(sample, 'sample');
    checkBuffer(epsilon, 'epsilon', sample.length);
    checkBuffer(out, 'out', sample.length);
    const sigma = this.sigmaValues[stepIndex];
    const dt = f32(this.sigmaValues[stepIndex + 1] - sigma);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i];
      const predictedOriginal = f32(x - f32(sigma * epsilon[i]));
      const derivative = f32(f32(x - predictedOriginal) / sigma);
      out[i] = f32(x + f32(derivative * dt));
    }
    return out;
  }

  /**
   * Classifier-free guidance, `step`, and the next step's `scaleModelInput`, in one pass over the
   * latents: `noise` holds the unconditional prediction then the conditional one (`[2, …]`,
   * diffusers' batch order); the epsilon is `u + g·(c − u)` in float32, the Euler step is `step`'s,
   * and when `nextModelInput` is given (not at the last step) the new sample scaled for step
   * `stepIndex + 1` is written there too. One pass instead of three: at SDXL's 4×128×128 latents
   * these loops are most of the pipeline's own time a step.
   */
  stepGuided(
    noise: Float32Array,
    guidanceScale: number,
    stepIndex: number,
    sample: Float32Array,
    out: Float32Array,
    nextModelInput?: Float32Array,
  ): Float32Array {
    this.checkStep(stepIndex);
    checkBuffer(sample, 'sample');
    checkBuffer(noise, 'noise', 2 * sample.length);
    checkBuffer(out, 'out', sample.length);
    if (nextModelInput !== undefined) {
      this.checkStep(stepIndex + 1);
      checkBuffer(nextModelInput, 'nextModelInput', sample.length);
    }
    const sigma = this.sigmaValues[stepIndex];
    // The same float32 operations as step() after guidance, fused in one native pass: in JavaScript
    // (each operation through Math.fround) this pass was most of the loop's own time per step.
    guidedEulerStep({
      noise,
      guidance: f32(guidanceScale),
      sigma,
      dt: f32(this.sigmaValues[stepIndex + 1] - sigma),
      sample,
      out,
      nextInput: nextModelInput,
      nextScale: nextModelInput === undefined ? 1 : noisyInputScale(this.sigmaValues[stepIndex + 1]),
    });
    return out;
  }

  private checkTimestepsSet(): void {
    if (this.timestepValues.length === 0) {
      throw new Error('EulerDiscreteScheduler: call setTimesteps(steps) first');
    }
  }

  private checkStep(stepIndex: number): void {
    this.checkTimestepsSet();
    checkInteger(stepIndex, 'stepIndex', 0, this.timestepValues.length - 1);
  }
}

function checkBuffer(
  buffer: unknown,
  name: string,
  length?: number,
): asserts buffer is Float32Array {
  if (!(buffer instanceof Float32Array)) throw typeError('a Float32Array', name, buffer);
  if (length !== undefined && buffer.length !== length) {
    throw rangeError(`a Float32Array of ${length} elements (the sample's)`, name, buffer);
  }
}
