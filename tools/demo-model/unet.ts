/**
 * The UNet: ε = (x − x₀)/σ, where σ is looked up from `timestep` in the training schedule,
 * x = sample·√(σ²+1) undoes the scheduler's scale_model_input, and the clean latent x₀ has the
 * prompt's colour in channels 0..2 and the ControlNet's structure in channel 3. The Euler step
 * x₀ = x − σ·ε then recovers x₀ exactly at every step, so the loop ends on it for any step count.
 * `time_ids` is declared but unused.
 */
import { COLOUR_PATH_WEIGHT, RESIDUALS, residualProjection, trainingSigmas } from './design';
import { DataType, GraphBuilder } from './onnx-builder';

/** [rows, 4]: rows `from..from+2` to latent channels 0..2, weighted by one colour path's share. */
function colourReader(rows: number, from: readonly number[]): Float32Array {
  const m = new Float32Array(rows * 4);
  for (const start of from) for (let c = 0; c < 3; c++) m[(start + c) * 4 + c] = COLOUR_PATH_WEIGHT;
  return m;
}

/** The encoded UNet model. */
export function unetModel(float16: boolean): Uint8Array {
  const g = new GraphBuilder('unet', float16);
  const sample = g.input('sample', 'float', ['B', 4, 'h', 'w']);
  const timestep = g.input('timestep', 'float32', []);
  const states = g.input('encoder_hidden_states', 'float', ['B', 77, 2048]);
  const textEmbeds = g.input('text_embeds', 'float', ['B', 1280]);
  g.input('time_ids', 'float', ['B', 6]);
  const levelDims = [
    ['h', 'w'],
    ['h/2', 'w/2'],
    ['h/4', 'w/4'],
  ] as const;
  const residuals = RESIDUALS.map((r) =>
    g.input(r.unetName, 'float', ['B', r.channels, ...levelDims[r.level]]),
  );

  // σ(t), linear between integer timesteps (exact for diffusers' integer timesteps).
  const t = g.node('Clip', [timestep, g.scalar('t_min', 0), g.scalar('t_max', 999)]);
  const t0 = g.node('Floor', [t]);
  const frac = g.node('Sub', [t, t0]);
  const t1 = g.node('Min', [g.node('Add', [t0, g.scalar('one', 1)]), g.scalar('t_last', 999)]);
  const table = g.floats('training_sigmas', trainingSigmas(), [1000]);
  const lookup = (index: string) =>
    g.node('Gather', [table, g.node('Cast', [index], { to: DataType.INT64 })], { axis: 0 });
  const [s0, s1] = [lookup(t0), lookup(t1)];
  const sigma = g.node('Add', [s0, g.node('Mul', [frac, g.node('Sub', [s1, s0])])]);
  const inputScale = g.node('Sqrt', [
    g.node('Add', [g.node('Mul', [sigma, sigma]), g.scalar('one', 1)]),
  ]);
  const x = g.node('Mul', [sample, inputScale]);

  // Colour: both encoders' states summed over the sequence, and the pooled embedding.
  const summed = g.node('ReduceSum', [states, g.ints('seq_axis', [1])], { keepdims: 0 });
  const fromStates = g.node('MatMul', [
    summed,
    g.floats('states_colour', colourReader(2048, [0, 768]), [2048, 4]),
  ]);
  const fromPooled = g.node('MatMul', [
    textEmbeds,
    g.floats('pooled_colour', colourReader(1280, [0]), [1280, 4]),
  ]);
  const colour = g.node('Unsqueeze', [
    g.node('Add', [fromStates, fromPooled]),
    g.ints('hw_axes', [2, 3]),
  ]);

  // Structure: each residual back to one channel, resized to the latent size, weighted.
  const shape = g.node('Shape', [sample]);
  const slice = (from: number, to: number) =>
    g.node('Slice', [shape, g.ints('from', [from]), g.ints('to', [to])]);
  const sizes = g.node('Concat', [slice(0, 1), g.ints('one_channel', [1]), slice(2, 4)], {
    axis: 0,
  });
  const parts = RESIDUALS.map((r, k) => {
    const back = g.node('Conv', [
      residuals[k],
      g.floats(`unproj_${k}`, residualProjection(k).down, [1, r.channels, 1, 1]),
    ]);
    const sized =
      r.level === 0 ? back : g.node('Resize', [back, '', '', sizes], { mode: 'linear' });
    return g.node('Mul', [sized, g.scalar(`share_${k}`, r.weight)]);
  });
  const structure = g.node('Mul', [
    g.node('Sum', parts),
    g.floats('to_channel_3', [0, 0, 0, 1], [1, 4, 1, 1]),
  ]);

  const clean = g.node('Add', [structure, colour]);
  const eps = g.node('Div', [g.node('Sub', [x, clean]), sigma]);
  g.output('out_sample', eps, ['B', 4, 'h', 'w']);
  return g.encode();
}
