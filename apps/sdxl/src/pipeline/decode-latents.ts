import type { Image } from '@bento/core';
import { vaeOutputToImage, VAE_SCALING_FACTOR } from './decode-image';
import type { ModelRunner } from './model-runner';

/** The final latents `[1, 4, h, w]` through the VAE decoder, as an RGB image of `height × width`. */
export async function decodeLatents(vae: ModelRunner, latents: Float32Array, height: number, width: number): Promise<Image> {
  const scaled = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) scaled[i] = Math.fround(latents[i]! / VAE_SCALING_FACTOR);
  const sample = { data: new Float32Array(3 * height * width), dims: [1, 3, height, width] };
  await vae.run({ latent_sample: { data: scaled, dims: [1, 4, height / 8, width / 8] } }, { sample });
  return vaeOutputToImage(sample.data, height, width);
}
