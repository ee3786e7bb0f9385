/** Latent channels of each SDXL ControlNet residual (9 down blocks, then mid) and its downsampling. */
const LAYOUT: ReadonlyArray<{ channels: number; down: 1 | 2 | 4 }> = [
  { channels: 320, down: 1 },
  { channels: 320, down: 1 },
  { channels: 320, down: 1 },
  { channels: 320, down: 2 },
  { channels: 640, down: 2 },
  { channels: 640, down: 2 },
  { channels: 640, down: 4 },
  { channels: 1280, down: 4 },
  { channels: 1280, down: 4 },
  { channels: 1280, down: 4 },
];

/** Names of the residuals as the ControlNet gives them and as the UNet takes them, in order. */
export const CONTROLNET_OUTPUTS = [...Array.from({ length: 9 }, (_, k) => `down_block_res_sample_${k}`), 'mid_block_res_sample'];
export const UNET_RESIDUAL_INPUTS = [...Array.from({ length: 9 }, (_, k) => `down_block_additional_residual_${k}`), 'mid_block_additional_residual'];

/** A residual's size after the UNet's stride-2 downsamplings (each rounds up: padding 1, kernel 3). */
function downsampled(size: number, factor: number): number {
  let out = size;
  for (let f = factor; f > 1; f /= 2) out = Math.ceil(out / 2);
  return out;
}

/** One residual buffer: `[batch, channels, h, w]`. */
export interface ResidualBuffer {
  data: Float32Array;
  dims: [number, number, number, number];
}

/** The ten residual buffers of one batch at latent size h × w, allocated once per run. */
export function residualBuffers(batch: number, latentHeight: number, latentWidth: number): ResidualBuffer[] {
  return LAYOUT.map(({ channels, down }) => {
    const dims: [number, number, number, number] = [batch, channels, downsampled(latentHeight, down), downsampled(latentWidth, down)];
    return { data: new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]), dims };
  });
}
