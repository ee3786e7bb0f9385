import { Tensor, type ApiInput } from '@bento/core';
import { z } from 'zod';
import type { Generation } from './pipeline/generation';

/** Largest side of a generated image, in pixels. */
export const MAX_SIDE = 2048;
/** Smallest side: the UNet downsamples the latents three times. */
export const MIN_SIDE = 64;
/** Largest seed: torch seeds with 64 bits, JSON carries integers exactly up to 2^53 − 1. */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

const Side = z
  .number()
  .int()
  .min(MIN_SIDE)
  .max(MAX_SIDE)
  .refine((side) => side % 8 === 0, { message: 'Expected a multiple of 8 (the VAE works on 8×8 blocks)' });

/**
 * The input of `generate`, with diffusers' names and this app's defaults (the seed's example:
 * conditioning scale 0.5, 25 steps; diffusers' guidance 5.0).
 */
export const GenerateInput = z
  .object({
    prompt: z.string().min(1).max(4000),
    /** The control image (edges), H×W×3 uint8. */
    arr: Tensor({ dtype: 'uint8', shape: [-1, -1, 3] }),
    negative_prompt: z.string().max(4000).optional(),
    controlnet_conditioning_scale: z.number().min(0).max(10).default(0.5),
    num_inference_steps: z.number().int().min(1).max(150).default(25),
    guidance_scale: z.number().min(0).max(50).default(5.0),
    control_guidance_start: z.number().min(0).max(1).default(0),
    control_guidance_end: z.number().min(0).max(1).default(1),
    guess_mode: z.boolean().default(false),
    /** Same seed, same image. Without one a seed is drawn, and sent back in the `x-sdxl-seed` header. */
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    width: Side.optional(),
    height: Side.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.control_guidance_start > input.control_guidance_end) {
      ctx.addIssue({
        code: 'custom',
        path: ['control_guidance_start'],
        message: `Expected control_guidance_start (${input.control_guidance_start}) to be at most control_guidance_end (${input.control_guidance_end})`,
      });
    }
    // Without a width or height, the control image's own gives it, under the same rules.
    const [height, width] = input.arr.shape as [number, number, number];
    for (const [name, given, own] of [['height', input.height, height], ['width', input.width, width]] as const) {
      if (given !== undefined) continue;
      const checked = Side.safeParse(own);
      if (!checked.success) {
        ctx.addIssue({ code: 'custom', path: ['arr'], message: `The control image's ${name} (${own}) is the output's ${name} when none is given: ${checked.error.issues[0]!.message}; resize it or pass ${name}` });
      }
    }
  });

export type GenerateRequest = ApiInput<typeof GenerateInput>;

/** The validated request as the pipeline takes it; `seed` is the one given or drawn. */
export function generationOf(request: GenerateRequest, seed: number): Generation {
  const [controlHeight, controlWidth] = request.arr.shape as [number, number, number];
  return {
    prompt: request.prompt,
    negativePrompt: request.negative_prompt,
    control: { data: request.arr.data, width: controlWidth, height: controlHeight, channels: 3 },
    height: request.height ?? controlHeight,
    width: request.width ?? controlWidth,
    steps: request.num_inference_steps,
    guidanceScale: request.guidance_scale,
    conditioningScale: request.controlnet_conditioning_scale,
    controlGuidanceStart: request.control_guidance_start,
    controlGuidanceEnd: request.control_guidance_end,
    guessMode: request.guess_mode,
    seed,
  };
}
