/**
 * The VAE decoder: undoes the pipeline's division by the scaling factor, mixes the 4 latent
 * channels to RGB (colour minus darkened structure), upsamples 8× linearly and squashes with tanh
 * into [-1, 1].
 */
import { EDGE_DARKNESS, VAE_SCALING_FACTOR } from './design';
import { GraphBuilder } from './onnx-builder';

/** [3, 4, 1, 1]: RGB = colour channel − EDGE_DARKNESS · structure, in the UNet's latent units. */
function toRgb(): Float32Array {
  const w = new Float32Array(12);
  for (let c = 0; c < 3; c++) {
    w[c * 4 + c] = VAE_SCALING_FACTOR;
    w[c * 4 + 3] = -EDGE_DARKNESS * VAE_SCALING_FACTOR;
  }
  return w;
}

/** The encoded VAE decoder model. */
export function vaeDecoderModel(float16: boolean): Uint8Array {
  const g = new GraphBuilder('vae_decoder', float16);
  const latent = g.input('latent_sample', 'float', ['B', 4, 'h', 'w']);
  const rgb = g.node('Conv', [latent, g.floats('to_rgb', toRgb(), [3, 4, 1, 1])]);
  const up = g.node('Resize', [rgb, '', g.floats('scales', [1, 1, 8, 8], [4])], { mode: 'linear' });
  g.output('sample', g.node('Tanh', [up]), ['B', 3, '8h', '8w']);
  return g.encode();
}
