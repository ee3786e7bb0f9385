import { typeError, rangeError } from '../argument-errors';
import { checkSeed, TorchCpuGenerator } from './torch-cpu-generator';

/** The element count of a shape, each dimension a non-negative integer. */
function elementCount(shape: unknown): number {
  if (!Array.isArray(shape)) throw typeError('an array of non-negative integers', 'shape', shape);
  let count = 1;
  for (const dimension of shape) {
    if (typeof dimension !== 'number' || !Number.isSafeInteger(dimension) || dimension < 0) {
      throw rangeError('an array of non-negative integers', 'shape', shape);
    }
    count *= dimension;
  }
  if (!Number.isSafeInteger(count) || count > 2 ** 32) {
    throw rangeError('a shape of at most 2³² elements', 'shape', shape);
  }
  return count;
}

/**
 * The values `torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed))` gives on
 * x86 with AVX2 (float32, row-major), bit for bit: diffusers draws a float32 pipeline's initial
 * latents this way when it is given a CPU generator, so the same seed starts from the same noise.
 *
 * @param seed a non-negative safe integer; torch seeds its Mersenne Twister with the low 32 bits.
 * @param shape the tensor's dimensions, e.g. `[1, 4, 128, 128]` for one 1024×1024 latent.
 * @example
 * randnLikeTorch(0, [16]).subarray(0, 4); // −1.1258, −1.1524, −0.2506, −0.4339
 */
export function randnLikeTorch(seed: number, shape: number[]): Float32Array {
  checkSeed(seed);
  const out = new Float32Array(elementCount(shape));
  return new TorchCpuGenerator(seed).fillNormal(out);
}
