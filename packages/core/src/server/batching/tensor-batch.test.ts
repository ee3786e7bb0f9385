import type { Tensor } from '../../wire/tensor-value';
import { concatTensors, splitTensor } from './tensor-batch';

/** A float32 tensor whose element at each index is `base + its flat index`: every element is told apart. */
function counting(shape: number[], base: number): Tensor<'float32'> {
  const size = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: size }, (_, i) => base + i) };
}

/** The tensor as nested arrays, to compare by position rather than by flat layout. */
function nested(tensor: Tensor): unknown {
  const data = Array.from(tensor.data as ArrayLike<number | bigint>);
  const build = (dim: number, offset: number): unknown => {
    if (dim === tensor.shape.length) return data[offset];
    const stride = tensor.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: tensor.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

describe('concatTensors and splitTensor', () => {
  it('join along dimension 0 by stacking the rows, and split back into the same tensors (views)', () => {
    const a = counting([2, 3], 0);
    const b = counting([1, 3], 100);
    const joined = concatTensors([a, b], 0);
    expect(joined.shape).toEqual([3, 3]);
    expect(nested(joined)).toEqual([[0, 1, 2], [3, 4, 5], [100, 101, 102]]);
    const [a2, b2] = splitTensor(joined, [2, 1], 0);
    expect(nested(a2!)).toEqual(nested(a));
    expect(nested(b2!)).toEqual(nested(b));
    expect(a2!.shape).toEqual([2, 3]);
    // Along dimension 0 a piece is a view of the joined data, not a copy.
    expect(a2!.data.buffer).toBe(joined.data.buffer);
  });

  it('join along dimension 1 by interleaving each row, and split back', () => {
    const a = counting([2, 1, 2], 0);
    const b = counting([2, 2, 2], 10);
    const joined = concatTensors([a, b], 1);
    expect(joined.shape).toEqual([2, 3, 2]);
    expect(nested(joined)).toEqual([
      [[0, 1], [10, 11], [12, 13]],
      [[2, 3], [14, 15], [16, 17]],
    ]);
    const pieces = splitTensor(joined, [1, 2], 1);
    expect(pieces.map((p) => p.shape)).toEqual([[2, 1, 2], [2, 2, 2]]);
    expect(nested(pieces[0]!)).toEqual(nested(a));
    expect(nested(pieces[1]!)).toEqual(nested(b));
  });

  it('keep the dtype and its array class (int64 as BigInt64Array), and a piece of zero rows', () => {
    const a: Tensor<'int64'> = { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 2n]) };
    const empty: Tensor<'int64'> = { dtype: 'int64', shape: [0], data: new BigInt64Array(0) };
    const b: Tensor<'int64'> = { dtype: 'int64', shape: [1], data: BigInt64Array.from([-3n]) };
    const joined = concatTensors([a, empty, b], 0);
    expect(joined.dtype).toBe('int64');
    expect(joined.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(joined.data as BigInt64Array)).toEqual([1n, 2n, -3n]);
    const pieces = splitTensor(joined, [2, 0, 1], 0);
    expect(pieces.map((p) => Array.from(p.data as BigInt64Array))).toEqual([[1n, 2n], [], [-3n]]);
  });
});
