import { ValidationError } from '../../errors';
import type { BatchingOptions } from '../../sdk/batching-options';
import type { Tensor } from '../../wire/tensor-value';
import { readBatchItem } from './batch-item';
import { mergeBatch } from './merge';
import { BatchResultError, splitResult } from './split';

const WHOLE: BatchingOptions = { batch_dim: 0, max_batch_size: 100, max_latency_ms: 10_000 };
const FIELD: BatchingOptions = { ...WHOLE, batch_field: 'x' };

function f32(shape: number[], values: number[]): Tensor<'float32'> {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}

describe('readBatchItem', () => {
  it('reads an array input as rows on its first level', () => {
    expect(readBatchItem([[1, 2], [3, 4], [5, 6]], WHOLE, 'S.m')).toMatchObject({ size: 3, key: 'array' });
  });

  it('reads a Tensor field by its batch dimension; dtype and the other dimensions decide whom it may join', () => {
    const dim1 = { ...FIELD, batch_dim: 1 };
    const a = readBatchItem({ x: f32([2, 3, 4], new Array(24).fill(0)) }, dim1, 'S.m');
    const b = readBatchItem({ x: f32([2, 1, 4], new Array(8).fill(0)) }, dim1, 'S.m');
    const c = readBatchItem({ x: f32([3, 1, 4], new Array(12).fill(0)) }, dim1, 'S.m');
    expect(a.size).toBe(3);
    expect(b.size).toBe(1);
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
  });

  it("groups calls by the input's other fields, whatever their key order", () => {
    const a = readBatchItem({ x: [1], scale: 2, opts: { a: 1, b: [1, 2] } }, FIELD, 'S.m');
    const b = readBatchItem({ opts: { b: [1, 2], a: 1 }, scale: 2, x: [2, 3] }, FIELD, 'S.m');
    const c = readBatchItem({ x: [1], scale: 3, opts: { a: 1, b: [1, 2] } }, FIELD, 'S.m');
    const d = readBatchItem({ x: [1], scale: 2, opts: { a: 1, b: [1, 2] }, bytes: Uint8Array.from([1]) }, FIELD, 'S.m');
    const e = readBatchItem({ x: [1], scale: 2, opts: { a: 1, b: [1, 2] }, bytes: Uint8Array.from([2]) }, FIELD, 'S.m');
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
    expect(d.key).not.toBe(e.key);
  });

  it.each([
    [WHOLE, { rows: [1] }, /Invalid input: batchable API S\.m batches its input, which must be a batch: a Tensor or an array; received an object/],
    [FIELD, [1, 2], /batches its input field "x", which must be in an object; received an array of length 2/],
    [FIELD, { y: [1] }, /batches its input field "x", which must be a batch: a Tensor or an array; received undefined/],
    [{ ...WHOLE, batch_dim: 1 }, [[1, 2]], /must be a Tensor to batch along dimension 1; received an array \(arrays batch on their first level only\)/],
    [{ ...FIELD, batch_dim: 2 }, { x: f32([2, 2], [1, 2, 3, 4]) }, /must be a Tensor with a dimension 2 to batch along; received shape \[2, 2\]/],
  ])('refuses an input that is no batch with a 400 naming the field (%#)', (options, input, message) => {
    let thrown: unknown;
    try {
      readBatchItem(input, options as BatchingOptions, 'S.m');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).status).toBe(400);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('mergeBatch and splitResult', () => {
  it('merge array inputs in order and give each call its own rows of the result', () => {
    const items = [[1, 2], [3], [4, 5, 6]].map((rows) => readBatchItem(rows, WHOLE, 'S.m'));
    const merged = mergeBatch(items, WHOLE) as number[];
    expect(merged).toEqual([1, 2, 3, 4, 5, 6]);
    const doubled = merged.map((x) => x * 2);
    expect(splitResult(doubled, items.map((i) => i.size), WHOLE, 'S.m')).toEqual([[2, 4], [6], [8, 10, 12]]);
  });

  it('merge a Tensor field and keep the other fields; split a Tensor result along batch_dim', () => {
    const options = { ...FIELD, batch_dim: 1 };
    const items = [
      readBatchItem({ x: f32([2, 1], [1, 2]), scale: 10 }, options, 'S.m'),
      readBatchItem({ x: f32([2, 2], [3, 4, 5, 6]), scale: 10 }, options, 'S.m'),
    ];
    const merged = mergeBatch(items, options) as { x: Tensor; scale: number };
    expect(merged.scale).toBe(10);
    expect(merged.x.shape).toEqual([2, 3]);
    expect(Array.from(merged.x.data as Float32Array)).toEqual([1, 3, 4, 2, 5, 6]);
    const pieces = splitResult(merged.x, [1, 2], options, 'S.m') as Tensor[];
    expect(pieces.map((p) => [p.shape, Array.from(p.data as Float32Array)])).toEqual([
      [[2, 1], [1, 2]],
      [[2, 2], [3, 4, 5, 6]],
    ]);
  });

  it('passes a single call through unchanged', () => {
    const input = { x: [7], scale: 1 };
    const item = readBatchItem(input, FIELD, 'S.m');
    expect(mergeBatch([item], FIELD)).toBe(input);
    const result = [14];
    expect(splitResult(result, [1], FIELD, 'S.m')[0]).toBe(result);
  });

  it.each([
    [[1, 2], /returned an array of length 2 for a batch of 3 rows \(the calls merged had 1 \+ 2\)/],
    [f32([2], [1, 2]), /returned a Tensor of shape \[2\], 2 rows along dimension 0, for a batch of 3 rows/],
    [{ rows: [1, 2, 3] }, /returned an object \(Object\) for a batch of 3 rows .*: it must return a Tensor or an array with one row per input row/],
  ])('refuses a result without one row per input row, saying what came back (%#)', (result, message) => {
    expect(() => splitResult(result, [1, 2], WHOLE, 'S.m')).toThrow(BatchResultError);
    expect(() => splitResult(result, [1, 2], WHOLE, 'S.m')).toThrow(message);
  });
});
