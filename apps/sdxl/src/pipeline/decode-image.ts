import type { Image } from '@bento/core';
import { roundHalfToEven } from '../numeric/numpy-float64';

/** SDXL's VAE scaling factor (the fp16-fix VAE keeps it). */
export const VAE_SCALING_FACTOR = 0.13025;

/**
 * The VAE's `[1, 3, H, W]` output in [-1, 1] as an RGB image, as diffusers' postprocessing does:
 * `(x / 2 + 0.5).clamp(0, 1)` in float32, then `× 255` and round (half to even), NCHW to HWC.
 */
export function vaeOutputToImage(sample: Float32Array, height: number, width: number): Image {
  const plane = height * width;
  const data = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const x = sample[c * plane + i]!;
      const unit = Math.min(Math.max(Math.fround(Math.fround(x / 2) + 0.5), 0), 1);
      data[i * 3 + c] = roundHalfToEven(Math.fround(unit * 255));
    }
  }
  return { data, width, height, channels: 3 };
}
