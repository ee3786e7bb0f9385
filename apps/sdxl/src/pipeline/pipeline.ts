import { performance } from 'node:perf_hooks';
import type { Image } from '@bento/core';
import { controlImageTensor } from './control-image';
import { decodeLatents } from './decode-latents';
import { denoiseSteps } from './denoise-loop';
import type { Generation, StageTimes, StepDone, StepListener } from './generation';
import { encodePrompts } from './prompt-embeddings';
import type { NoiseSchedule, PipelineModels, PromptTokenizer } from './ports';
import type { ResidualScaler } from './residual-scaler';

/** Draws the initial noise for a seed, the way torch does (see `randnLikeTorch`). */
export type NoiseSource = (seed: number, shape: number[]) => Float32Array;

/** The parts a pipeline runs on; made once when the service starts. */
export interface PipelineParts {
  models: PipelineModels;
  tokenizers: readonly [PromptTokenizer, PromptTokenizer];
  /** A schedule of `steps` steps (a fresh one per generation: runs may overlap). */
  schedule(steps: number): NoiseSchedule;
  noise: NoiseSource;
  scaler: ResidualScaler;
}

/** What a generation gives back. */
export interface GenerationResult {
  image: Image;
  seed: number;
  times: StageTimes;
}

/**
 * diffusers' StableDiffusionXLControlNetPipeline, on onnxruntime: encode the prompt (and the
 * negative one, or zeros), prepare the control image and `time_ids`, draw the initial latents from
 * the seed, denoise, decode with the VAE.
 */
export class ControlNetPipeline {
  constructor(private readonly parts: PipelineParts) {}

  /** Runs a generation to its end; `onStep` is called after each denoising step (it may throw to stop). */
  async generate(generation: Generation, onStep?: StepListener): Promise<GenerationResult> {
    const run = this.run(generation);
    try {
      for (let next = await run.next(); ; next = await run.next()) {
        if (next.done) return next.value;
        onStep?.(next.value.step, next.value.total);
      }
    } finally {
      // Stopped by onStep: close the run so that it frees its buffers now.
      await run.return(undefined as never);
    }
  }

  /**
   * A generation step by step: yields after each denoising step, returns the result. A caller that
   * stops iterating (`return()`) stops the pipeline at that step: nothing more runs.
   */
  async *run(generation: Generation): AsyncGenerator<StepDone, GenerationResult, undefined> {
    const { models, tokenizers } = this.parts;
    const guided = generation.guidanceScale > 1;
    const batch = guided ? 2 : 1;

    let started = performance.now();
    // Batch order [negative; positive], as diffusers concatenates them.
    const embeddings = await encodePrompts(guided ? [generation.negativePrompt, generation.prompt] : [generation.prompt], tokenizers, models);
    const encodeMs = performance.now() - started;

    started = performance.now();
    const { height, width } = generation;
    const timeIds = new Float32Array(batch * 6);
    for (let b = 0; b < batch; b++) timeIds.set([height, width, 0, 0, height, width], b * 6);
    const controlBatch = guided && !generation.guessMode ? 2 : 1;
    const controlImage = await controlImageTensor(generation.control, height, width, controlBatch);
    const noise = this.parts.noise(generation.seed, [1, 4, height / 8, width / 8]);
    const schedule = this.parts.schedule(generation.steps);
    const { latents, ownMs, awayMs } = yield* denoiseSteps(generation, models, this.parts.scaler, schedule, noise, { embeddings, timeIds, controlImage });
    const denoiseMs = performance.now() - started - awayMs;

    started = performance.now();
    const image = await decodeLatents(models.vaeDecoder, latents, height, width);
    const decodeMs = performance.now() - started;
    return { image, seed: generation.seed, times: { encode: encodeMs, denoise: denoiseMs, decode: decodeMs, denoiseOwn: ownMs } };
  }
}
