import { MODEL_LAYOUT, resolveShape } from '../models/layout';

const isResidual = (name: string) => name.startsWith('down_block_') || name.startsWith('mid_block_');

/** The ControlNet's residual outputs, 9 down blocks then mid, with their declared shapes. */
const CONTROLNET_RESIDUALS = MODEL_LAYOUT.controlnet.outputs.filter((output) => isResidual(output.name));

/** Names of the residuals as the ControlNet gives them and as the UNet takes them, in order. */
export const CONTROLNET_OUTPUTS = CONTROLNET_RESIDUALS.map((output) => output.name);
export const UNET_RESIDUAL_INPUTS = MODEL_LAYOUT.unet.inputs.filter((input) => isResidual(input.name)).map((input) => input.name);

/** One residual buffer: `[batch, channels, h, w]`. */
export interface ResidualBuffer {
  data: Float32Array;
  dims: [number, number, number, number];
}

/** The ten residual buffers of one batch at latent size h × w (shapes from the model layout), allocated once per run. */
export function residualBuffers(batch: number, latentHeight: number, latentWidth: number): ResidualBuffer[] {
  return CONTROLNET_RESIDUALS.map(({ shape }) => {
    const dims = resolveShape(shape, { B: batch, h: latentHeight, w: latentWidth }) as ResidualBuffer['dims'];
    return { data: new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]), dims };
  });
}
