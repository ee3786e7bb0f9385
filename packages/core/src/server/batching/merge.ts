import type { BatchingOptions } from '../../sdk/batching-options';
import { isTensor, type Tensor } from '../../wire/tensor-value';
import type { BatchItem } from './batch-item';
import { concatTensors } from './tensor-batch';

/**
 * The one input the method receives for `items` (calls of one key, see batch-item.ts): their
 * batched values joined (Tensors along `batch_dim`, arrays on their first level), in the order of
 * `items`. With a `batch_field`, the other fields are the first call's (equal in all, by the key).
 * A single call's input goes as it came.
 */
export function mergeBatch(items: readonly BatchItem[], options: BatchingOptions): unknown {
  if (items.length === 1) return items[0]!.input;
  const first = items[0]!;
  let merged: Tensor | unknown[];
  if (isTensor(first.value)) {
    merged = concatTensors(items.map((item) => item.value as Tensor), options.batch_dim);
  } else {
    merged = [];
    for (const item of items) for (const row of item.value as unknown[]) merged.push(row);
  }
  const field = options.batch_field;
  return field === undefined ? merged : { ...(first.input as Record<string, unknown>), [field]: merged };
}
