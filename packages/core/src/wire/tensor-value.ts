import { isDType, type DType, type TypedArrayOf } from './dtype';

/** A dense n-dimensional array: `data` holds the elements in row-major order. */
export interface Tensor<D extends DType = DType> {
  dtype: D;
  shape: number[];
  data: TypedArrayOf<D>;
}

/** True for a value that already has the Tensor shape. */
export function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Tensor>;
  return isDType(v.dtype) && Array.isArray(v.shape) && ArrayBuffer.isView(v.data);
}
