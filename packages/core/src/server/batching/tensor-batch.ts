import type { AnyTypedArray } from '../../wire/dtype';
import type { Tensor } from '../../wire/tensor-value';

type TypedArrayClass = new (length: number) => AnyTypedArray;

/** Elements in one step along dimension `dim`: the product of the dimensions after it. */
function innerSize(shape: readonly number[], dim: number): number {
  let size = 1;
  for (let i = dim + 1; i < shape.length; i++) size *= shape[i]!;
  return size;
}

/** How many blocks come before dimension `dim`: the product of the dimensions before it. */
function outerSize(shape: readonly number[], dim: number): number {
  let size = 1;
  for (let i = 0; i < dim; i++) size *= shape[i]!;
  return size;
}

/**
 * Joins tensors of one dtype whose shapes differ only along `dim` into one tensor. The caller has
 * checked that (see batch-item.ts: calls join only when their key, dtype and other dimensions, is
 * equal). Row-major data: along dimension 0 it is one concatenation; along a later dimension each
 * of the outer blocks interleaves one slab of every tensor.
 */
export function concatTensors(tensors: readonly Tensor[], dim: number): Tensor {
  const first = tensors[0]!;
  const inner = innerSize(first.shape, dim);
  const outer = outerSize(first.shape, dim);
  let rows = 0;
  for (const tensor of tensors) rows += tensor.shape[dim]!;
  const shape = [...first.shape];
  shape[dim] = rows;
  const data = new (first.data.constructor as TypedArrayClass)(outer * rows * inner);
  let offset = 0;
  for (let block = 0; block < outer; block++) {
    for (const tensor of tensors) {
      const slab = tensor.shape[dim]! * inner;
      // `set` between arrays of one class; the casts only tell TypeScript that bigint and number arrays are not mixed.
      (data as Float64Array).set((tensor.data as Float64Array).subarray(block * slab, (block + 1) * slab), offset);
      offset += slab;
    }
  }
  return { dtype: first.dtype, shape, data };
}

/**
 * Cuts `tensor` along `dim` into pieces of `sizes` rows (which sum to its size there). Along
 * dimension 0 each piece is a view of the tensor's data, not a copy; along a later one the slabs of
 * each piece are gathered into data of its own.
 */
export function splitTensor(tensor: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  const inner = innerSize(tensor.shape, dim);
  const outer = outerSize(tensor.shape, dim);
  const rows = tensor.shape[dim]!;
  const Class = tensor.data.constructor as TypedArrayClass;
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    const shape = [...tensor.shape];
    shape[dim] = size;
    let data: AnyTypedArray;
    if (outer === 1) {
      data = tensor.data.subarray(start * inner, (start + size) * inner);
    } else {
      data = new Class(outer * size * inner);
      for (let block = 0; block < outer; block++) {
        const from = (block * rows + start) * inner;
        (data as Float64Array).set((tensor.data as Float64Array).subarray(from, from + size * inner), block * size * inner);
      }
    }
    pieces.push({ dtype: tensor.dtype, shape, data });
    start += size;
  }
  return pieces;
}
