// What the pipeline needs from its parts, as narrow interfaces: the tokenizers, the scheduler and
// the models come from their own modules (text/, scheduler/, models/), adapted in pipeline.ts.
import type { TimestepInput } from '../models/check-io';
import type { ModelRunner } from './model-runner';

/** A CLIP tokenizer as SDXL calls it: 77 ids, BOS … EOS, padded with its pad token. */
export interface PromptTokenizer {
  encode(prompt: string): BigInt64Array;
}

/** The noise schedule, stepped in place on buffers the pipeline owns. */
export interface NoiseSchedule {
  /** The model timesteps of an N-step run, first to last. */
  readonly timesteps: ArrayLike<number>;
  /** The σ the initial noise is scaled by. */
  readonly initNoiseSigma: number;
  /** `out = sample / √(σᵢ² + 1)`. */
  scaleModelInput(sample: Float32Array, stepIndex: number, out: Float32Array): void;
  /** One Euler step from the predicted noise: `out = sample + (sample − x0)/σᵢ · (σᵢ₊₁ − σᵢ)`. */
  step(noise: Float32Array, stepIndex: number, sample: Float32Array, out: Float32Array): void;
  /**
   * Guidance `u + g·(c − u)` over `noise` (`[unconditional; conditional]`), then `step`, and the next
   * step's scaled model input into `nextModelInput` when given, in one pass.
   */
  stepGuided(noise: Float32Array, guidanceScale: number, stepIndex: number, sample: Float32Array, out: Float32Array, nextModelInput?: Float32Array): void;
}


/** The five models of the pipeline, each with the facts of its interface the pipeline uses. */
export interface PipelineModels {
  textEncoder: ModelRunner;
  textEncoder2: ModelRunner;
  unet: ModelRunner & { timestep: TimestepInput };
  controlnet: ModelRunner & { timestep: TimestepInput };
  vaeDecoder: ModelRunner;
}
