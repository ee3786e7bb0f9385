import type { EulerDiscreteSchedulerConfig } from './euler-discrete-config';
import { numpyArange, numpyLinspace, roundHalfToEven } from '../numeric/numpy-float64';

const f32 = Math.fround;

/**
 * The timesteps diffusers' `EulerDiscreteScheduler.set_timesteps(steps)` picks, from the noisiest
 * down, in float32 (Table 2 of "Common Diffusion Noise Schedules and Sample Steps are Flawed"):
 * - `linspace`: evenly spaced over [0, T − 1], fractional in general;
 * - `leading`: `k·(T // steps) + steps_offset` (SDXL: 961, 921, …, 1 for 25 steps);
 * - `trailing`: `round(T − k·T/steps) − 1`. numpy's `arange` gives one timestep more than asked
 *   (ending at −1) for some counts (e.g. 61 of 1000); diffusers keeps it, and so does this.
 */
export function inferenceTimesteps(
  config: EulerDiscreteSchedulerConfig,
  steps: number,
): Float32Array {
  const trainSteps = config.num_train_timesteps;
  switch (config.timestep_spacing) {
    case 'linspace':
      return Float32Array.from(numpyLinspace(0, trainSteps - 1, steps).reverse());
    case 'leading': {
      const ratio = Math.floor(trainSteps / steps);
      return Float32Array.from({ length: steps }, (_, i) =>
        f32((steps - 1 - i) * ratio + config.steps_offset),
      );
    }
    case 'trailing': {
      const values = numpyArange(trainSteps, 0, -trainSteps / steps);
      return Float32Array.from(values, (t) => f32(f32(roundHalfToEven(t)) - 1));
    }
  }
}
