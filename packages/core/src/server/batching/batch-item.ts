import { describeValue, ValidationError } from '../../errors';
import type { BatchingOptions } from '../../sdk/batching-options';
import { isTensor, type Tensor } from '../../wire/tensor-value';

/** What one call brings to a batch: its batched value, its number of rows, and whom it may join. */
export interface BatchItem {
  /** The call's input as the method would have received it alone. */
  input: unknown;
  /** The batched value: the input itself, or its `batch_field`. */
  value: Tensor | unknown[];
  /** Rows of the value along the batch dimension. */
  size: number;
  /**
   * Calls join one batch only when their keys are equal: a Tensor's dtype and other dimensions
   * (they must line up to concatenate), and with a `batch_field` the input's other fields (the
   * method receives one copy of them for the whole batch).
   */
  key: string;
}

/**
 * Reads what `input` brings to a batch, or throws the 400 that says why it cannot be batched. Runs
 * before the call joins a queue, so a bad input fails alone and at once.
 */
export function readBatchItem(input: unknown, options: BatchingOptions, api: string): BatchItem {
  const field = options.batch_field;
  const where = field === undefined ? 'its input' : `its input field "${field}"`;
  const refuse = (what: string): never => {
    throw new ValidationError(`Invalid input: batchable API ${api} batches ${where}, which must be ${what}`, [{ path: field ?? '', message: `Expected ${what}`, code: 'batch' }]);
  };
  let value: unknown = input;
  if (field !== undefined) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) refuse(`in an object; received ${describeValue(input)}`);
    value = (input as Record<string, unknown>)[field];
  }
  const dim = options.batch_dim;
  let item: BatchItem;
  if (isTensor(value)) {
    if (value.shape.length <= dim) refuse(`a Tensor with a dimension ${dim} to batch along; received shape [${value.shape.join(', ')}]`);
    const others = value.shape.map((d, i) => (i === dim ? '*' : d)).join(',');
    item = { input, value, size: value.shape[dim]!, key: `tensor:${value.dtype}[${others}]` };
  } else if (Array.isArray(value)) {
    // A nested JS array has no declared shape to batch along a later dimension: Tensors do that.
    if (dim !== 0) refuse(`a Tensor to batch along dimension ${dim}; received an array (arrays batch on their first level only)`);
    item = { input, value, size: value.length, key: 'array' };
  } else {
    return refuse(`a batch: a Tensor or an array; received ${describeValue(value)}`);
  }
  if (field !== undefined) item.key += `|${otherFieldsKey(input as Record<string, unknown>, field)}`;
  return item;
}

/**
 * The fields of `input` other than `field`, as canonical JSON: object keys sorted, binary data
 * as its bytes, bigints as text. Equal keys mean equal values, so one copy serves the whole batch.
 */
function otherFieldsKey(input: Record<string, unknown>, field: string): string {
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(input).sort()) if (key !== field) rest[key] = input[key];
  return JSON.stringify(rest, canonical);
}

function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return `${value.constructor.name}:${bytes.toString('base64')}`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
    return sorted;
  }
  return value;
}
