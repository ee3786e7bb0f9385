import { describeValue } from '../../errors';
import type { BatchingOptions } from '../../sdk/batching-options';
import { isTensor } from '../../wire/tensor-value';
import { splitTensor } from './tensor-batch';

/**
 * A batch's result that cannot be given back row by row: a bug in the method, so its callers get
 * a 500 and the log says this.
 */
export class BatchResultError extends Error {
  override name = 'BatchResultError';
}

/**
 * Cuts the method's result for a batch into one result per call, `sizes[i]` rows each (in the
 * order the calls were merged). The result must be a batch like the input: a Tensor with one row
 * per input row along `batch_dim`, or an array with one element per input row. Throws a
 * `BatchResultError` saying what came back instead.
 */
export function splitResult(result: unknown, sizes: readonly number[], options: BatchingOptions, api: string): unknown[] {
  let rows = 0;
  for (const size of sizes) rows += size;
  const expected = `a batch of ${rows} rows (the calls merged had ${sizes.join(' + ')})`;
  const dim = options.batch_dim;
  if (isTensor(result)) {
    const got = result.shape[dim];
    if (got !== rows) {
      throw new BatchResultError(`Batchable API ${api} returned a Tensor of shape [${result.shape.join(', ')}], ${got === undefined ? `which has no dimension ${dim}` : `${got} rows along dimension ${dim}`}, for ${expected}`);
    }
    return sizes.length === 1 ? [result] : splitTensor(result, sizes, dim);
  }
  if (Array.isArray(result)) {
    if (result.length !== rows) throw new BatchResultError(`Batchable API ${api} returned an array of length ${result.length} for ${expected}`);
    if (sizes.length === 1) return [result];
    const pieces: unknown[] = [];
    let start = 0;
    for (const size of sizes) pieces.push(result.slice(start, (start += size)));
    return pieces;
  }
  throw new BatchResultError(`Batchable API ${api} returned ${describeValue(result)} for ${expected}: it must return a Tensor or an array with one row per input row`);
}
