import { fusedMultiplyAddFloat32 } from '../numeric/fused-multiply-add-float32';
import type { EulerDiscreteSchedulerConfig } from './euler-discrete-config';

const f32 = Math.fround;

/**
 * `torch.linspace(start, end, steps, dtype=torch.float32)` as torch 2's CPU kernel computes it:
 * the first half counted up from `start`, the second half down from `end`, each element one
 * multiply-add in float32, fused into one rounding as GCC compiles it for x86 (torch 1.13 and
 * earlier vectorised this and round about a quarter of the elements differently, by an ulp).
 */
export function torchLinspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const first = f32(start);
  const last = f32(end);
  if (steps === 1) {
    out[0] = first;
    return out;
  }
  const step = f32(f32(last - first) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] =
      i < halfway
        ? fusedMultiplyAddFloat32(step, i, first)
        : fusedMultiplyAddFloat32(-step, steps - i - 1, last);
  }
  return out;
}

/** The training betas of the config's `beta_schedule`, in float32 as diffusers builds them. */
export function trainingBetas(config: EulerDiscreteSchedulerConfig): Float32Array {
  const { beta_start: start, beta_end: end, num_train_timesteps: steps } = config;
  switch (config.beta_schedule) {
    case 'linear':
      return torchLinspaceFloat32(start, end, steps);
    case 'scaled_linear':
      // Latent diffusion's schedule: evenly spaced in √β, then squared.
      return torchLinspaceFloat32(Math.sqrt(start), Math.sqrt(end), steps).map((b) => f32(b * b));
  }
}

/**
 * `torch.cumprod(1 - betas)`: ᾱ per training step. torch's CPU kernel carries the running product
 * in a double and rounds each output to float32.
 */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= f32(1 - betas[i]);
    out[i] = product;
  }
  return out;
}

/** σ = √((1 − ᾱ)/ᾱ) per training step, each operation in float32. */
export function sigmaOf(alphaCumprod: number): number {
  return f32(Math.sqrt(f32(f32(1 - alphaCumprod) / alphaCumprod)));
}

/** The σ of every training step (index t = timestep t). */
export function trainingSigmas(cumprod: Float32Array): Float32Array {
  return cumprod.map(sigmaOf);
}
