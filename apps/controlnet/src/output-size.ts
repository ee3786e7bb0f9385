import { MAX_SIDE, MIN_SIDE } from '@bento/app-sdxl/src/service-api';

/**
 * The generated image's side for an input side: rounded down to a multiple of 8, as diffusers'
 * image processor sizes the control image when no height/width is given
 * (`VaeImageProcessor.get_default_height_width`: `x - x % vae_scale_factor`). The edges are
 * computed on the input's own pixels and SDXLControlNetService resizes them to this size
 * (Lanczos, as diffusers does), so the answer is the Python example's, pixel for pixel in intent.
 */
export function outputSide(side: number): number {
  return side - (side % 8);
}

/** The smallest input side: its output side must be at least SDXL's smallest. */
export const MIN_INPUT_SIDE = MIN_SIDE;
/** The largest input side that still rounds down to SDXL's largest. */
export const MAX_INPUT_SIDE = MAX_SIDE + 7;

/**
 * The largest input, in pixels, checked from the image's header before anything is decoded (the
 * decompression-bomb guard of `Image({ maxPixels })`): no image over it could be generated anyway.
 */
export const MAX_INPUT_PIXELS = MAX_INPUT_SIDE * MAX_INPUT_SIDE;

/** Why an image of `width × height` cannot be used, or undefined when it can. */
export function sizeProblem(width: number, height: number): string | undefined {
  const fits = (side: number) => side >= MIN_INPUT_SIDE && side <= MAX_INPUT_SIDE;
  if (fits(width) && fits(height)) return undefined;
  return (
    `Expected an image whose sides are ${MIN_INPUT_SIDE} to ${MAX_INPUT_SIDE} pixels but received ${width}×${height}: ` +
    `the picture is the image's size rounded down to a multiple of 8, which SDXL takes from ${MIN_SIDE} to ${MAX_SIDE}`
  );
}
