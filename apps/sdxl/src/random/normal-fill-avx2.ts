import { logFloat32Avx2, sinCosFloat32Avx2, type SinCos } from './avx2-mathfun';
import { fusedMultiplyAddFloat32 } from '../numeric/fused-multiply-add-float32';

// Read once: a global lookup on every call is slow where the global object is a proxy (Jest's VM
// contexts).
const { fround: f32, sqrt } = Math;
// `_mm256_set1_ps(2.0f * c10::pi<double>)`: the product is a double, stored as a float.
const TWO_PI = f32(2 * Math.PI);
const BLOCK = 16;
const HALF_BLOCK = 8;

/** Where the float32 uniforms come from: torch's `uniform_real_distribution<float>(0, 1)`. */
export interface Float32UniformSource {
  uniformFloat32(): number;
}

const sinCos: SinCos = { sin: 0, cos: 0 };

/**
 * torch's `normal_fill_16_AVX2`: Box–Muller on 16 uniforms in place, lane j (0..7) pairing
 * `data[j]` (radius) with `data[j + 8]` (angle), every step in float32.
 */
function normalFill16(data: Float32Array, start: number, mean: number, std: number): void {
  for (let lane = start; lane < start + HALF_BLOCK; lane++) {
    const u1 = f32(1 - data[lane]); // [0, 1) → (0, 1] for the logarithm
    const radius = f32(sqrt(f32(-2 * logFloat32Avx2(u1))));
    const theta = f32(TWO_PI * data[lane + HALF_BLOCK]);
    sinCosFloat32Avx2(theta, sinCos);
    const n1 = f32(radius * sinCos.cos);
    const n2 = f32(radius * sinCos.sin);
    data[lane] = fusedMultiplyAddFloat32(n1, std, mean);
    data[lane + HALF_BLOCK] = fusedMultiplyAddFloat32(n2, std, mean);
  }
}

/**
 * torch's `normal_fill_AVX2` (float32 tensors of 16 or more elements on x86 with AVX2): every
 * uniform is drawn first, then each whole block of 16 is transformed; when the length is not a
 * multiple of 16, the last 16 elements are drawn again and transformed again.
 */
export function normalFillAvx2(
  data: Float32Array,
  mean: number,
  std: number,
  uniforms: Float32UniformSource,
): void {
  const size = data.length;
  if (size < BLOCK) throw new RangeError(`normalFillAvx2 needs 16 or more elements, not ${size}`);
  const mean32 = f32(mean);
  const std32 = f32(std);
  for (let i = 0; i < size; i++) data[i] = uniforms.uniformFloat32();
  for (let start = 0; start + BLOCK <= size; start += BLOCK) {
    normalFill16(data, start, mean32, std32);
  }
  if (size % BLOCK !== 0) {
    const start = size - BLOCK;
    for (let i = start; i < size; i++) data[i] = uniforms.uniformFloat32();
    normalFill16(data, start, mean32, std32);
  }
}
