/**
 * The ControlNet: the control image's grey level, averaged per 8×8 block (latent size), saturated
 * by tanh, pooled 2× and 4× more (ceil, like SDXL's strided convs on odd sizes), and projected
 * onto each residual's channels. It reads only `controlnet_cond`; its other inputs are declared
 * as SDXL's ControlNet has them.
 */
import { EDGE_GAIN, RESIDUALS, residualProjection } from './design';
import { GraphBuilder } from './onnx-builder';

const LEVEL_DIMS = [
  ['h', 'w'],
  ['h/2', 'w/2'],
  ['h/4', 'w/4'],
] as const;

/** The encoded ControlNet model. */
export function controlnetModel(float16: boolean): Uint8Array {
  const g = new GraphBuilder('controlnet', float16);
  g.input('sample', 'float', ['B', 4, 'h', 'w']);
  g.input('timestep', 'float32', []);
  g.input('encoder_hidden_states', 'float', ['B', 77, 2048]);
  const cond = g.input('controlnet_cond', 'float', ['B', 3, '8h', '8w']);
  g.input('text_embeds', 'float', ['B', 1280]);
  g.input('time_ids', 'float', ['B', 6]);

  const grey = g.node('Conv', [cond, g.floats('grey', [1 / 3, 1 / 3, 1 / 3], [1, 3, 1, 1])]);
  const blocks = g.node('AveragePool', [grey], { kernel_shape: [8, 8], strides: [8, 8] });
  const halve = (x: string) =>
    g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });
  const level0 = g.node('Tanh', [g.node('Mul', [blocks, g.scalar('edge_gain', EDGE_GAIN)])]);
  const level1 = halve(level0);
  const levels = [level0, level1, halve(level1)];

  RESIDUALS.forEach((residual, k) => {
    const weights = g.floats(`proj_${k}`, residualProjection(k).up, [residual.channels, 1, 1, 1]);
    const value = g.node('Conv', [levels[residual.level], weights]);
    g.output(residual.controlnetName, value, [
      'B',
      residual.channels,
      ...LEVEL_DIMS[residual.level],
    ]);
  });
  return g.encode();
}
