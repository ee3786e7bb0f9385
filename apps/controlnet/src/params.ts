import { GenerateInput } from '@bento/app-sdxl/src/service-api';
import { Image, isImage, type ApiInput } from '@bento/core';
import { z } from 'zod';
import { MAX_INPUT_PIXELS, sizeProblem } from './output-size';

// The fields are SDXLControlNetService's own schemas, so ranges and defaults cannot drift apart
// and a bad value is refused here, before any work, with the same message.
const sdxl = GenerateInput.shape;

/**
 * The Python example's `Params` (prompt, negative_prompt, controlnet_conditioning_scale = 0.5,
 * num_inference_steps = 25) plus `guidance_scale` and `seed`. Strict: a misspelt option
 * (`num_steps`) is a 400 naming it, not silently ignored.
 */
export const Params = z.strictObject({
  prompt: sdxl.prompt,
  negative_prompt: sdxl.negative_prompt,
  controlnet_conditioning_scale: sdxl.controlnet_conditioning_scale,
  num_inference_steps: sdxl.num_inference_steps,
  guidance_scale: sdxl.guidance_scale,
  seed: sdxl.seed,
});

/** `generate`'s input: the image (multipart part `image`: PNG, JPEG or WebP) and the params (JSON). */
export const ControlNetInput = z
  .object({
    image: Image({ channels: 3, maxPixels: MAX_INPUT_PIXELS }),
    params: Params,
  })
  .superRefine((input, ctx) => {
    // An image that failed to decode has its own issue already.
    if (!isImage(input.image)) return;
    const problem = sizeProblem(input.image.width, input.image.height);
    if (problem) ctx.addIssue({ code: 'custom', path: ['image'], message: problem });
  });

export type ControlNetRequest = ApiInput<typeof ControlNetInput>;
