// Read once: a global lookup on every call is slow where the global object is a proxy (Jest's VM
// contexts).
const f32 = Math.fround;
const isFiniteNumber = Number.isFinite;

/**
 * `a·b + c` rounded once to float32, as `_mm256_fmadd_ps` does, for float32 inputs. The product is
 * exact in a double; the sum in a double can round a second time, which changes the float32
 * result only when that double lands exactly halfway between two floats: then the sum's error
 * (TwoSum) says which way the exact value lies.
 */
export function fusedMultiplyAddFloat32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = f32(sum);
  if (rounded === sum || !isFiniteNumber(sum)) return rounded;
  const addendPart = sum - product;
  const error = product - (sum - addendPart) + (c - addendPart);
  if (error === 0) return rounded;
  // `sum` is a tie exactly when the float on its other side is 2·sum − rounded.
  const otherNeighbour = 2 * sum - rounded;
  if (f32(otherNeighbour) !== otherNeighbour) return rounded;
  return rounded > sum === error > 0 ? rounded : otherNeighbour;
}
