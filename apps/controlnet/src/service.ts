import { randomInt } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SDXLControlNetService, SEED_HEADER, type GenerateEvent } from '@bento/app-sdxl/src/service-api';
import { api, createLogger, depends, service, type ApiContext, type Image, type Tensor } from '@bento/core';
import { backends, cannyEdgesRgb } from '@bento/native';
import { outputSide } from './output-size';
import { ControlNetInput, type ControlNetRequest } from './params';

/** Canny thresholds of the Python example: `cv2.Canny(arr, 100, 200)`. */
const CANNY = { low: 100, high: 200 } as const;

/**
 * The entry of the canonical example: Canny edges of the uploaded image here (CUDA when the addon
 * sees a GPU, else the CPU), then SDXL + ControlNet in SDXLControlNetService, which `bento serve`
 * runs in its own process (on a GPU in a deployment, see config-file.yaml).
 */
@service({
  name: 'ControlNet',
  resources: { cpu: '1' },
  traffic: { timeout: 600 },
  // One worker, where the Python example uses 8. Python needs processes to run requests side by
  // side; here one event loop holds any number of requests, each waiting on SDXL, and the only CPU
  // work (decode, Canny on native threads, PNG encode) is milliseconds next to seconds of
  // generation. More workers would compete with SDXLControlNetService for the same cores (2 on
  // the development machines) and hold more memory; replicas scale it instead (config-file.yaml).
  workers: 1,
  // The page at / (web/index.html): try the service in a browser, following generate_stream.
  ui: path.join(__dirname, '..', 'web'),
})
export class ControlNet {
  controlnet_service = depends(SDXLControlNetService);
  private readonly log = createLogger('ControlNet');

  async onStartup(): Promise<void> {
    const { cuda } = backends();
    this.log.info({ canny_backend: cuda.available ? 'cuda' : 'cpu', cuda_device: cuda.device, cuda_reason: cuda.reason }, `Canny edges on ${cuda.available ? `CUDA (${cuda.device})` : `the CPU${cuda.reason ? ` (no CUDA: ${cuda.reason})` : ''}`}`);
  }

  /**
   * A picture that follows the edges of `image` and the prompt, of the image's size rounded down
   * to a multiple of 8. The seed it used is sent back in `x-sdxl-seed`: same seed, same picture.
   */
  @api({ input: ControlNetInput, doc: 'Generate an image that follows the Canny edges of the uploaded image and the prompt' })
  async generate(request: ControlNetRequest, ctx: ApiContext): Promise<Image> {
    const { call, cannyMs } = await this.prepare(request, ctx);
    const started = performance.now();
    const picture = await this.controlnet_service.generate(call, { signal: ctx.signal });
    this.log.info({ request_id: ctx.requestId, seed: call.seed, width: call.width, height: call.height, canny_ms: round(cannyMs), call_ms: round(performance.now() - started) }, 'generated');
    return picture;
  }

  /**
   * `generate`, as it happens: `{ type: 'edges', image }` (the Canny edges SDXL is given) at once,
   * then SDXL's `{ type: 'step', step, total, latency_ms }` per denoising step, then
   * `{ type: 'image', image, seed, width, height }`. Over HTTP these are server-sent events, images
   * as PNG data URLs. A client that goes away stops the generation in SDXLControlNetService.
   */
  @api({ input: ControlNetInput, doc: 'Generate an image, streaming the edges, one event per denoising step, then the image' })
  async *generate_stream(request: ControlNetRequest, ctx: ApiContext): AsyncGenerator<ControlNetEvent, void, undefined> {
    const { call, edges, cannyMs } = await this.prepare(request, ctx);
    yield { type: 'edges', image: edges };
    const started = performance.now();
    for await (const event of this.controlnet_service.generate_stream(call, { signal: ctx.signal })) yield event;
    this.log.info({ request_id: ctx.requestId, seed: call.seed, width: call.width, height: call.height, canny_ms: round(cannyMs), call_ms: round(performance.now() - started) }, 'generated');
  }

  /** Canny edges of the upload, and the call to SDXL: the prompt, the edges, the seed and the output size. */
  private async prepare({ image, params }: ControlNetRequest, ctx: ApiContext) {
    const started = performance.now();
    const edges = await cannyEdgesRgb(image, CANNY);
    const cannyMs = performance.now() - started;

    // Drawn here when not given, so that the answer can say which (the dependency's headers stay there).
    const { prompt, ...options } = params;
    const seed = options.seed ?? randomInt(0, 2 ** 32);
    ctx.response.headers.set(SEED_HEADER, String(seed));
    // The addon's results live in a plain ArrayBuffer of their own (docs/native.md), which core's
    // Tensor type spells out; its Image type only says ArrayBufferLike.
    const arr: Tensor<'uint8'> = { dtype: 'uint8', shape: [edges.height, edges.width, 3], data: edges.data as Uint8Array<ArrayBuffer> };
    const call = { prompt, arr, ...options, seed, width: outputSide(image.width), height: outputSide(image.height) };
    return { call, edges: edges as Image, cannyMs };
  }
}

/** What `generate_stream` yields: the edges, then SDXLControlNetService's progress and image. */
export type ControlNetEvent = { type: 'edges'; image: Image } | GenerateEvent;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
