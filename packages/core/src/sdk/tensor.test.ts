import { z } from 'zod';
import { DTYPES, type DType } from './dtype';
import { BinaryPart } from './io-kind';
import { isTensor, Tensor } from './tensor';

const ALL_DTYPES = Object.keys(DTYPES) as DType[];

function sampleValues(dtype: DType): unknown[] {
  if (dtype === 'bool') return [true, false, 1, 0];
  if (dtype === 'int64' || dtype === 'uint64') return [1, '2', 3, 4];
  return [1, 2, 3, 4];
}

describe('Tensor()', () => {
  it.each(ALL_DTYPES)('reads nested JSON arrays as %s into the right TypedArray', async (dtype) => {
    const [a, b, c, d] = sampleValues(dtype);
    const tensor = await Tensor({ dtype, shape: [2, 2] }).parseAsync([
      [a, b],
      [c, d],
    ]);
    expect(tensor.dtype).toBe(dtype);
    expect(tensor.shape).toEqual([2, 2]);
    expect(tensor.data).toBeInstanceOf(DTYPES[dtype]);
    expect(tensor.data.length).toBe(4);
    const expected = dtype === 'bool' ? [1, 0, 1, 0] : dtype.endsWith('64') && dtype.includes('int') ? [1n, 2n, 3n, 4n] : [1, 2, 3, 4];
    expect(Array.from(tensor.data as ArrayLike<number | bigint>)).toEqual(expected);
  });

  it.each(ALL_DTYPES)('reads a %s binary part with "; shape=" in its content type', async (dtype) => {
    const Ctor = DTYPES[dtype];
    const typed = dtype.endsWith('int64') ? new (Ctor as BigInt64ArrayConstructor)([1n, 2n, 3n, 4n, 5n, 6n]) : new (Ctor as Float32ArrayConstructor)([1, 0, 1, 0, 1, 1]);
    const bytes = Buffer.from(typed.buffer);
    const tensor = await Tensor({ dtype, shape: [-1, 3] }).parseAsync(new BinaryPart(bytes, `application/octet-stream; dtype=${dtype}; shape=2,3`));
    expect(tensor.shape).toEqual([2, 3]);
    expect(tensor.data).toBeInstanceOf(Ctor);
    expect(Array.from(tensor.data as ArrayLike<number | bigint>)).toEqual(Array.from(typed as ArrayLike<number | bigint>));
  });

  it('fills a -1 dimension of a binary part from its size when the part gives no shape', async () => {
    const bytes = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const tensor = await Tensor({ dtype: 'float32', shape: [-1, 2] }).parseAsync(new BinaryPart(bytes, 'application/octet-stream'));
    expect(tensor.shape).toEqual([3, 2]);
    expect(Array.from(tensor.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a binary part at an unaligned offset (copying it)', async () => {
    const backing = Buffer.alloc(17);
    const part = backing.subarray(1);
    Buffer.from(new Float32Array([1.5, 2.5, 3.5, 4.5]).buffer).copy(part);
    const tensor = await Tensor({ dtype: 'float32' }).parseAsync(new BinaryPart(part, 'application/octet-stream'));
    expect(Array.from(tensor.data)).toEqual([1.5, 2.5, 3.5, 4.5]);
  });

  it('reads {dtype, shape, data} with flat or nested data', async () => {
    const schema = Tensor({ dtype: 'int32', shape: [2, -1] });
    const flat = await schema.parseAsync({ dtype: 'int32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(flat.shape).toEqual([2, 3]);
    expect(flat.data).toBeInstanceOf(Int32Array);
    const nested = await schema.parseAsync({ shape: [2, 2], data: [[1, 2], [3, 4]] });
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4]);
    const noShape = await schema.parseAsync({ data: [[1, 2], [3, 4]] });
    expect(noShape.shape).toEqual([2, 2]);
  });

  it('accepts -1 for a dimension of any size, and a TypedArray of the right kind', async () => {
    const schema = Tensor({ dtype: 'float32', shape: [-1, 3] });
    expect((await schema.parseAsync([[1, 2, 3]])).shape).toEqual([1, 3]);
    expect((await schema.parseAsync([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).shape).toEqual([3, 3]);
    expect((await schema.parseAsync(new Float32Array(6))).shape).toEqual([2, 3]);
  });

  it('passes a Tensor value through', async () => {
    const value = { dtype: 'float64' as const, shape: [2], data: new Float64Array([1, 2]) };
    expect(isTensor(value)).toBe(true);
    expect(await Tensor({ dtype: 'float64' }).parseAsync(value)).toBe(value);
  });

  it('reads a scalar shape [] from {shape: [], data: [x]}', async () => {
    const tensor = await Tensor({ dtype: 'float32' }).parseAsync({ shape: [], data: [7] });
    expect(tensor.shape).toEqual([]);
    expect(Array.from(tensor.data)).toEqual([7]);
  });

  const bad: Array<[string, DType, readonly number[] | undefined, unknown, RegExp | string]> = [
    ['a wrong dtype in {dtype,...}', 'float32', undefined, { dtype: 'int8', data: [1] }, 'Expected a float32 tensor: received dtype int8'],
    ['a wrong shape', 'float32', [-1, 3], [[1, 2]], 'Expected a float32 tensor of shape [-1, 3]: received shape [1, 2]'],
    ['a wrong rank', 'float32', [2, 2], [1, 2, 3, 4], 'received shape [4]'],
    ['ragged arrays', 'float32', undefined, [[1, 2], [3]], 'nested arrays are not rectangular at 1: expected length 2'],
    ['a string element', 'float32', undefined, [1, 'two'], 'element 1 is not a number'],
    ['a non-boolean in a bool tensor', 'bool', undefined, [true, 2], 'element 1 is not a boolean'],
    ['a fraction in an int64 tensor', 'int64', undefined, [1.5], 'element 0 (1.5) is not an integer'],
    ['NaN in an int tensor', 'int32', undefined, [NaN], 'element 0 is not a number'],
    ['data that does not fill the shape', 'float32', undefined, { shape: [2, 2], data: [1, 2, 3] }, '3 elements do not fill shape [2, 2]'],
    ['a negative shape', 'float32', undefined, { shape: [-2], data: [] }, 'shape must be an array of non-negative integers'],
    ['a TypedArray of another dtype', 'float32', undefined, new Int32Array(2), 'received a Int32Array'],
    ['a string', 'float32', undefined, 'hello', 'received string; send nested arrays, {dtype, shape, data} or a binary part'],
    ['a Tensor value of another dtype', 'float32', undefined, { dtype: 'int8', shape: [1], data: new Int8Array(1) }, 'received dtype int8'],
  ];
  it.each(bad)('refuses %s', async (_what, dtype, shape, value, message) => {
    const result = await z.object({ x: Tensor({ dtype, shape }) }).safeParseAsync({ x: value });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['x']);
    expect(result.error!.issues[0]!.message).toEqual(typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message));
  });

  it.each([
    ['a part whose dtype parameter disagrees', 'application/octet-stream; dtype=int8; shape=4', 16, 'the part says dtype int8'],
    ['a byte count that is not whole elements', 'application/octet-stream', 7, '7 bytes is not a whole number of float32 elements'],
    ['a shape the bytes do not fill', 'application/octet-stream; shape=2,3', 16, '4 elements do not fill shape [2, 3]'],
    ['a shape that is not numbers', 'application/octet-stream; shape=a,b', 16, 'the part gives no usable shape'],
  ])('refuses a binary part with %s', async (_what, contentType, byteLength, message) => {
    await expect(Tensor({ dtype: 'float32' }).parseAsync(new BinaryPart(Buffer.alloc(byteLength), contentType))).rejects.toThrow(message);
  });

  it('refuses a part with no shape when the declared shape has two -1s', async () => {
    await expect(Tensor({ dtype: 'float32', shape: [-1, -1] }).parseAsync(new BinaryPart(Buffer.alloc(16), 'application/octet-stream'))).rejects.toThrow(
      'the part gives no usable shape',
    );
  });

  it('refuses a bad dtype or shape when the schema is made', () => {
    expect(() => Tensor({ dtype: 'float8' as DType })).toThrow(/^Expected a dtype \(one of float32, float64, .*\) for Tensor\(\) but received float8$/);
    expect(() => Tensor({ dtype: 'float32', shape: [2, -3] })).toThrow('Expected a shape of integers (-1 for any size) for Tensor() but received [2, -3]');
  });
});
