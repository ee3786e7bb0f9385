import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { api, createLogger, Image, service, ServiceUnavailableError, type ApiContext } from '@bento/core';
import { GenerateInput, generationOf, type GenerateRequest } from './generate-input';
import type { LoadedPipeline } from './load-pipeline';
import type { Generation } from './pipeline/generation';
import type { ControlNetPipeline, GenerationResult } from './pipeline/pipeline';
import { modelSource } from './model-source';
import { withRunClock, type RunTimes } from './pipeline/run-clock';

/** The response header that carries the seed a generation used: same seed, same image. */
export const SEED_HEADER = 'x-sdxl-seed';

/**
 * The GPU service of the canonical example: SDXL with a ControlNet, step for step as diffusers'
 * StableDiffusionXLControlNetPipeline, on onnxruntime-node. Models load in `onStartup` from
 * `SDXL_MODEL_DIR` (an optimum SDXL export plus `controlnet/`), else the generated demo model.
 */
@service({
  name: 'SDXLControlNetService',
  // Read when the module loads, so /docs says what is served: a real export, or the demo model.
  description: process.env.SDXL_MODEL_DIR
    ? `SDXL + ControlNet on onnxruntime-node, serving the models in ${process.env.SDXL_MODEL_DIR}.`
    : 'SDXL + ControlNet on onnxruntime-node, serving the generated demo model (SDXL_MODEL_DIR is not set): a tiny stand-in with the real interface whose pictures follow the control image and the colour words of the prompt.',
  resources: { gpu: 1, gpu_type: 'nvidia-l4' },
  traffic: { timeout: 600 },
})
export class SDXLControlNetService {
  private readonly log = createLogger('SDXLControlNetService');
  private loaded?: LoadedPipeline;

  async onStartup(): Promise<void> {
    const source = modelSource();
    // Loaded here, not at the top: a caller that imports this class to call it through depends()
    // (ControlNet) never loads onnxruntime itself.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadPipeline } = require('./load-pipeline') as typeof import('./load-pipeline');
    this.loaded = await loadPipeline(source, this.log);
    this.log.info({ model_dir: source.dir, demo_model: source.demo, execution_provider: this.loaded.provider }, 'models loaded');
  }

  async onShutdown(): Promise<void> {
    await this.loaded?.release();
    this.loaded = undefined;
  }

  /**
   * An image that follows the control image `arr` (edges, H×W×3) and the prompt. Without a seed,
   * one is drawn; either way it is sent back in the `x-sdxl-seed` header.
   */
  @api({ input: GenerateInput, doc: 'Generate an image from a prompt and a control image (H×W×3 uint8 edges)' })
  async generate(request: GenerateRequest, ctx: ApiContext): Promise<Image> {
    const { pipeline, generation } = this.prepare(request, ctx);
    const { value: result, runs } = await withRunClock(() => pipeline.generate(generation, () => ctx.signal.throwIfAborted()));
    this.logGenerated(result, generation, ctx, runs);
    return result.image;
  }

  /**
   * `generate`, with its progress: `{ type: 'step', step, total, latency_ms }` after each denoising
   * step, then `{ type: 'image', image, seed, width, height }`. A caller that goes away stops the
   * pipeline at its next step.
   */
  @api({ input: GenerateInput, doc: 'Generate an image, streaming progress: one event per denoising step, then the image' })
  async *generate_stream(request: GenerateRequest, ctx: ApiContext): AsyncGenerator<GenerateEvent, void, undefined> {
    const { pipeline, generation } = this.prepare(request, ctx);
    const run = pipeline.run(generation);
    let stepsDone = 0;
    let finished = false;
    try {
      let stepStarted = performance.now();
      for (let next = await run.next(); ; next = await run.next()) {
        if (next.done) {
          finished = true;
          this.logGenerated(next.value, generation, ctx);
          yield { type: 'image', image: next.value.image, seed: generation.seed, width: generation.width, height: generation.height };
          return;
        }
        stepsDone = next.value.step;
        yield { type: 'step', step: stepsDone, total: next.value.total, latency_ms: round(performance.now() - stepStarted) };
        stepStarted = performance.now();
      }
    } finally {
      // Closed early (the caller left, or a timeout): stop the pipeline where it is.
      await run.return(undefined as never);
      if (!finished) this.log.info({ request_id: ctx.requestId, step: stepsDone, total: generation.steps }, 'generation stopped');
    }
  }

  /** Checks what the schema cannot (sizes, the model) and fixes the seed; throws a 4xx/503 before any work. */
  private prepare(request: GenerateRequest, ctx: ApiContext): { pipeline: ControlNetPipeline; generation: Generation } {
    if (!this.loaded) throw new ServiceUnavailableError('SDXLControlNetService has no models loaded');
    const seed = request.seed ?? randomInt(0, 2 ** 32);
    ctx.response.headers.set(SEED_HEADER, String(seed));
    return { pipeline: this.loaded.pipeline, generation: generationOf(request, seed) };
  }

  /** `runs`: the generation's time inside onnxruntime, in all and by model, when it was counted (see pipeline/run-clock.ts). */
  private logGenerated({ times }: GenerationResult, generation: Generation, ctx: ApiContext, runs?: RunTimes): void {
    this.log.info(
      { request_id: ctx.requestId, seed: generation.seed, width: generation.width, height: generation.height, steps: generation.steps, encode_ms: round(times.encode), denoise_ms: round(times.denoise), decode_ms: round(times.decode), own_ms: round(times.denoiseOwn), ...(runs && { onnx_ms: round(runs.total), onnx_by_model_ms: roundEach(runs.byModel) }) },
      'generated',
    );
  }
}

/** What `generate_stream` yields. */
export type GenerateEvent =
  | { type: 'step'; step: number; total: number; latency_ms: number }
  | { type: 'image'; image: Image; seed: number; width: number; height: number };

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function roundEach(ms: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(ms).map(([key, value]) => [key, round(value)]));
}
