import { performance } from 'node:perf_hooks';
import { controlnetKeeps, residualScales } from './controlnet-schedule';
import type { Generation, StepDone } from './generation';
import type { Feed } from './model-runner';
import type { PromptEmbeddings } from './prompt-embeddings';
import type { TimestepInput } from '../models/check-io';
import type { NoiseSchedule, PipelineModels } from './ports';
import { CONTROLNET_OUTPUTS, residualBuffers, UNET_RESIDUAL_INPUTS, type ResidualBuffer } from './residual-buffers';
import type { ResidualScaler } from './residual-scaler';

const LATENT_CHANNELS = 4;

/** Everything one denoising run reads and writes, allocated once before the first step. */
interface LoopBuffers {
  /** `[1, 4, h, w]`: the sample being denoised, stepped in place. */
  latents: Float32Array;
  /** `[B, 4, h, w]`: the scaled latents, once per batch half. */
  modelInput: Float32Array;
  /** `[B, 4, h, w]`: the UNet's noise prediction. */
  noise: Float32Array;
  /** What the UNet takes: `[B, …]`. */
  unetResiduals: ResidualBuffer[];
  /** What the ControlNet writes (`[1, …]` in guess mode with guidance), scaled into `unetResiduals`. */
  controlnetResiduals: ResidualBuffer[];
}

/** The `timestep` a model takes: a float scalar (converted for a float16 model) or int64 `[1]`. */
function timestepFeed(input: TimestepInput, t: number): Feed {
  const dims = [...input.shape];
  return input.type === 'int64' ? { data: new BigInt64Array([BigInt(Math.round(t))]), dims } : { data: new Float32Array([t]), dims };
}

/** Inputs of one run: the text conditioning, the control image, `time_ids`, for `batch` rows. */
export interface LoopConditioning {
  embeddings: PromptEmbeddings;
  /** `[B, 6]`: `[orig_h, orig_w, crop_top, crop_left, h, w]` per row. */
  timeIds: Float32Array;
  /** `[Bc, 3, H, W]` in [0, 1]. */
  controlImage: Float32Array;
}

/**
 * The denoising loop of diffusers' StableDiffusionXLControlNetPipeline, step for step: scale the
 * latents (twice, for classifier-free guidance), run the ControlNet (its conditional half only in
 * guess mode, zeros for the other; not at all, with zero residuals, outside
 * [control_guidance_start, end]), scale its residuals (in onnxruntime, see ResidualScaler), run the
 * UNet, guide, Euler step. Every array the loop touches is allocated before the first step and
 * reused. Yields after each step (a caller that stops iterating stops the loop there); returns the
 * final latents, the time spent outside onnxruntime, and the time spent away at the yields.
 */
export async function* denoiseSteps(
  generation: Generation,
  models: PipelineModels,
  scaler: ResidualScaler,
  schedule: NoiseSchedule,
  initialNoise: Float32Array,
  conditioning: LoopConditioning,
): AsyncGenerator<StepDone, { latents: Float32Array; ownMs: number; awayMs: number }, undefined> {
  const guided = generation.guidanceScale > 1;
  const batch = guided ? 2 : 1;
  const h = generation.height / 8;
  const w = generation.width / 8;
  const latentSize = LATENT_CHANNELS * h * w;
  // Guess mode with guidance: the ControlNet sees only the conditional half.
  const controlBatch = guided && generation.guessMode ? 1 : batch;
  const buffers = allocate(batch, controlBatch, h, w, latentSize);
  for (let i = 0; i < latentSize; i++) buffers.latents[i] = Math.fround(initialNoise[i]! * schedule.initNoiseSigma);

  const latentDims = [batch, LATENT_CHANNELS, h, w];
  const controlLatentDims = [controlBatch, LATENT_CHANNELS, h, w];
  const { embeddings, timeIds, controlImage } = conditioning;
  // The conditional rows (the second half with guidance) of what the ControlNet takes in guess mode.
  const rowsFrom = (data: Float32Array, rowSize: number) => (controlBatch === batch ? data : data.subarray((batch - 1) * rowSize));
  const controlnetText = rowsFrom(embeddings.hidden, embeddings.hidden.length / batch);
  const controlnetPooled = rowsFrom(embeddings.pooled, embeddings.pooled.length / batch);
  const controlnetTimeIds = rowsFrom(timeIds, 6);
  const controlnetSample = controlBatch === batch ? buffers.modelInput : buffers.modelInput.subarray((batch - 1) * latentSize);
  const textDims = [batch, embeddings.hidden.length / batch / 2048, 2048];
  const controlTextDims = [controlBatch, textDims[1]!, 2048];
  const controlImageDims = [controlBatch, 3, generation.height, generation.width];
  const scales = residualScales(generation.conditioningScale, generation.guessMode);

  let runMs = 0;
  let awayMs = 0;
  const started = performance.now();
  let residualsAreZero = true;
  const steps = schedule.timesteps.length;
  for (let step = 0; step < steps; step++) {
    const t = schedule.timesteps[step]!;
    // With guidance the previous step's pass already scaled the latents for this one.
    if (!guided || step === 0) schedule.scaleModelInput(buffers.latents, step, buffers.modelInput.subarray(0, latentSize));
    for (let b = 1; b < batch; b++) buffers.modelInput.copyWithin(b * latentSize, 0, latentSize);

    const keep = controlnetKeeps(step, steps, generation.controlGuidanceStart, generation.controlGuidanceEnd);
    if (keep && generation.conditioningScale !== 0) {
      const outputs = Object.fromEntries(CONTROLNET_OUTPUTS.map((name, k) => [name, buffers.controlnetResiduals[k]!]));
      const before = performance.now();
      await models.controlnet.run(
        {
          sample: { data: controlnetSample, dims: controlLatentDims },
          timestep: timestepFeed(models.controlnet.timestep, t),
          encoder_hidden_states: { data: controlnetText, dims: controlTextDims },
          controlnet_cond: { data: controlImage, dims: controlImageDims },
          text_embeds: { data: controlnetPooled, dims: [controlBatch, controlnetPooled.length / controlBatch] },
          time_ids: { data: controlnetTimeIds, dims: [controlBatch, 6] },
        },
        outputs,
      );
      await scaler.scale(buffers.controlnetResiduals, scales, buffers.unetResiduals, controlBatch !== batch);
      runMs += performance.now() - before;
      residualsAreZero = false;
    } else if (!residualsAreZero) {
      for (const residual of buffers.unetResiduals) residual.data.fill(0);
      residualsAreZero = true;
    }

    const feeds: Record<string, Feed> = {
      sample: { data: buffers.modelInput, dims: latentDims },
      timestep: timestepFeed(models.unet.timestep, t),
      encoder_hidden_states: { data: embeddings.hidden, dims: textDims },
      text_embeds: { data: embeddings.pooled, dims: [batch, embeddings.pooled.length / batch] },
      time_ids: { data: timeIds, dims: [batch, 6] },
    };
    UNET_RESIDUAL_INPUTS.forEach((name, k) => (feeds[name] = buffers.unetResiduals[k]!));
    const before = performance.now();
    await models.unet.run(feeds, { out_sample: { data: buffers.noise, dims: latentDims } });
    runMs += performance.now() - before;

    if (guided) {
      const nextModelInput = step + 1 < steps ? buffers.modelInput.subarray(0, latentSize) : undefined;
      schedule.stepGuided(buffers.noise, generation.guidanceScale, step, buffers.latents, buffers.latents, nextModelInput);
    }
    else schedule.step(buffers.noise, step, buffers.latents, buffers.latents);
    // Time away at the yield (a stream writing its progress) is not the loop's own.
    const away = performance.now();
    yield { step: step + 1, total: steps };
    awayMs += performance.now() - away;
  }
  return { latents: buffers.latents, ownMs: performance.now() - started - runMs - awayMs, awayMs };
}

function allocate(batch: number, controlBatch: number, h: number, w: number, latentSize: number): LoopBuffers {
  const unetResiduals = residualBuffers(batch, h, w);
  return {
    latents: new Float32Array(latentSize),
    modelInput: new Float32Array(batch * latentSize),
    noise: new Float32Array(batch * latentSize),
    unetResiduals,
    controlnetResiduals: residualBuffers(controlBatch, h, w),
  };
}
