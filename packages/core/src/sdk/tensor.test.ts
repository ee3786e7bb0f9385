import { z } from 'zod';
import { DTYPES, type DType } from '../wire/dtype';
import { fromHalfBits } from '../wire/float16';
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
    // float16 holds bit patterns: decoded, they must be the numbers sent.
    const values = dtype === 'float16' ? Array.from(tensor.data as Uint16Array, fromHalfBits) : Array.from(tensor.data as ArrayLike<number | bigint>);
    expect(values).toEqual(expected);
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

  const bad: Array<[string, DType, readonly number[] | undefined, unknown, Array<string | number>, string]> = [
    ['a wrong dtype in {dtype,...}', 'float32', undefined, { dtype: 'int8', data: [1] }, ['dtype'], 'Expected a float32 tensor: received dtype int8'],
    ['a wrong shape', 'float32', [-1, 3], [[1, 2]], [], 'Expected a float32 tensor of shape [-1, 3]: received shape [1, 2]'],
    ['a wrong rank', 'float32', [2, 2], [1, 2, 3, 4], [], 'received shape [4]'],
    ['ragged arrays', 'float32', undefined, [[1, 2], [3]], [1], 'nested arrays are not rectangular: expected an array of length 2 but received an array of length 1'],
    ['a number where a row should be', 'float32', undefined, [[1, 2], 3], [1], 'nested arrays are not rectangular: expected an array of length 2 but received 3'],
    ['an element nested deeper than the first', 'float32', undefined, [[1, 2], [3, [4]]], [1, 1], 'nested arrays are not rectangular: expected a number but received an array of length 1'],
    ['a string element', 'float32', undefined, [1, 'two'], [1], 'Expected a float32 tensor: "two" is not a number'],
    ['a non-boolean in a bool tensor', 'bool', undefined, [true, 2], [1], 'Expected a bool tensor: 2 is not true, false, 1 or 0'],
    ['a fraction in an int64 tensor', 'int64', undefined, [1.5], [0], 'Expected an int64 tensor: 1.5 is not an integer from -9223372036854775808 to 9223372036854775807'],
    ['NaN in an int tensor', 'int32', undefined, [NaN], [0], 'NaN is not an integer from -2147483648 to 2147483647'],
    ['data that does not fill the shape', 'float32', undefined, { shape: [2, 2], data: [1, 2, 3] }, [], '3 elements do not fill shape [2, 2]'],
    ['a negative shape', 'float32', undefined, { shape: [-2], data: [] }, ['shape'], 'shape must be an array of non-negative integers'],
    ['a TypedArray of another dtype', 'float32', undefined, new Int32Array(2), [], 'received a Int32Array'],
    ['a string', 'float32', undefined, 'hello', [], 'received string; send nested arrays, {dtype, shape, data} or a binary part'],
    ['a {data} that is not arrays', 'float32', undefined, { data: 'hello' }, ['data'], 'received string; send nested arrays'],
    ['a Tensor value of another dtype', 'float32', undefined, { dtype: 'int8', shape: [1], data: new Int8Array(1) }, [], 'received dtype int8'],
    ['a Tensor value whose data is not its dtype\'s array', 'int8', undefined, { dtype: 'int8', shape: [1], data: new Float64Array([1.5]) }, [], 'its data is Float64Array, where int8 needs Int8Array'],
  ];
  it.each(bad)('refuses %s, naming the path of what was wrong', async (_what, dtype, shape, value, path, message) => {
    const result = await z.object({ x: Tensor({ dtype, shape }) }).safeParseAsync({ x: value });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toHaveLength(1);
    expect(result.error!.issues[0]!.path).toEqual(['x', ...path]);
    expect(result.error!.issues[0]!.message).toEqual(expect.stringContaining(message));
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

/** The one issue of parsing `{ x: value }`, as the path and message a 400's details show. */
function issueOf(dtype: DType, value: unknown, shape?: readonly number[]): { path: string; message: string } {
  const result = z.object({ x: Tensor({ dtype, shape }) }).safeParse({ x: value });
  if (result.success) throw new Error(`expected ${dtype} to refuse ${String(value)}`);
  expect(result.error.issues).toHaveLength(1);
  return { path: result.error.issues[0]!.path.join('.'), message: result.error.issues[0]!.message };
}

describe('Tensor() from JSON: float16 elements are numbers', () => {
  const bitsOf = (tensor: { data: unknown }) => Array.from(tensor.data as Uint16Array, (b) => `0x${b.toString(16).padStart(4, '0')}`);

  it('converts numbers to half floats, rounding to nearest even, not storing them as bits', () => {
    const tensor = Tensor({ dtype: 'float16' }).parse([0.5, 1, 65504]);
    expect(tensor.data).toBeInstanceOf(Uint16Array);
    expect(bitsOf(tensor)).toEqual(['0x3800', '0x3c00', '0x7bff']);
    // -0, the smallest subnormal, a tie between subnormals (to the even), past the max (Infinity).
    const edges = Tensor({ dtype: 'float16' }).parse([-0, 2 ** -24, 1.5 * 2 ** -24, 65520, -70000, 0.1]);
    expect(bitsOf(edges)).toEqual(['0x8000', '0x0001', '0x0002', '0x7c00', '0xfc00', '0x2e66']);
  });

  it('converts {dtype, shape, data} with flat or nested data the same way', () => {
    const flat = Tensor({ dtype: 'float16', shape: [2, 2] }).parse({ dtype: 'float16', shape: [2, 2], data: [1, 2, -2, 0.5] });
    const nested = Tensor({ dtype: 'float16', shape: [2, 2] }).parse({ shape: [2, 2], data: [[1, 2], [-2, 0.5]] });
    expect(bitsOf(flat)).toEqual(['0x3c00', '0x4000', '0xc000', '0x3800']);
    expect(bitsOf(nested)).toEqual(bitsOf(flat));
  });

  it('keeps a Uint16Array and a binary part as raw bits: that is the binary form', () => {
    const raw = new Uint16Array([1, 2, 0x3c00]);
    expect(Tensor({ dtype: 'float16' }).parse(raw).data).toBe(raw);
    const part = Tensor({ dtype: 'float16' }).parse(new BinaryPart(Buffer.from(raw.buffer), 'application/octet-stream'));
    expect(Array.from(part.data)).toEqual([1, 2, 0x3c00]);
  });

  it('refuses a non-number element at its path', () => {
    expect(issueOf('float16', { shape: [2], data: [1, '2'] })).toEqual({ path: 'x.data.1', message: 'Expected a float16 tensor: "2" is not a number' });
  });
});

describe('Tensor() from JSON: integers are exact or refused', () => {
  it('refuses int8 [300, 1.7, -129] at the first bad element instead of wrapping it', () => {
    expect(issueOf('int8', [300, 1.7, -129])).toEqual({ path: 'x.0', message: 'Expected an int8 tensor: 300 is not an integer from -128 to 127' });
    expect(issueOf('int8', [1, 1.7, -129]).message).toContain('1.7 is not an integer from -128 to 127');
    expect(issueOf('int8', [1, 2, -129]).message).toContain('-129 is not an integer from -128 to 127');
  });

  it('names the element by its nested path, or by its index in data', () => {
    expect(issueOf('uint8', [[1, 2], [3, 256]]).path).toBe('x.1.1');
    expect(issueOf('uint8', { shape: [2, 2], data: [1, 2, 3, -1] }).path).toBe('x.data.3');
    expect(issueOf('uint8', { shape: [2, 2], data: [[1, 2], [3, 0.5]] }).path).toBe('x.data.1.1');
    expect(issueOf('uint8', { data: [[1, 2], [3, null]] })).toEqual({ path: 'x.data.1.1', message: 'Expected a uint8 tensor: null is not an integer from 0 to 255' });
  });

  const ranges: Array<[DType, number, number]> = [
    ['int8', -128, 127],
    ['uint8', 0, 255],
    ['int16', -32768, 32767],
    ['uint16', 0, 65535],
    ['int32', -2147483648, 2147483647],
    ['uint32', 0, 4294967295],
  ];
  it.each(ranges)('%s takes integers from %d to %d and refuses anything else', (dtype, min, max) => {
    expect(Array.from(Tensor({ dtype }).parse([min, max, 0, -0]).data as ArrayLike<number>)).toEqual([min, max, 0, 0]);
    for (const bad of [min - 1, max + 1, 0.5, NaN, Infinity, -Infinity, '1', true, null, undefined, {}, 1n]) {
      expect(issueOf(dtype, [0, bad]).path).toBe('x.1');
    }
  });

  it('int64 and uint64 take safe-integer numbers, bigints and decimal strings, range-checked for 64 bits', () => {
    const int64 = Tensor({ dtype: 'int64' }).parse([1, -(2 ** 53 - 1), '9223372036854775807', '-9223372036854775808', -5n, '-0042']);
    expect(Array.from(int64.data)).toEqual([1n, -(2n ** 53n - 1n), 2n ** 63n - 1n, -(2n ** 63n), -5n, -42n]);
    const uint64 = Tensor({ dtype: 'uint64' }).parse(['18446744073709551615', 0, 2n ** 64n - 1n]);
    expect(Array.from(uint64.data)).toEqual([2n ** 64n - 1n, 0n, 2n ** 64n - 1n]);
    const refused: Array<[DType, unknown]> = [
      ['int64', 2 ** 53], // not a safe integer: JSON may already have turned 2^53 + 1 into it
      ['int64', '9223372036854775808'],
      ['int64', -(2n ** 63n) - 1n],
      ['int64', '1.0'],
      ['int64', '1e3'],
      ['int64', ' 1'],
      ['int64', ''],
      ['int64', '1'.repeat(100)],
      ['int64', 1.5],
      ['int64', NaN],
      ['uint64', -1],
      ['uint64', '18446744073709551616'],
      ['uint64', '-1'],
      ['uint64', true],
    ];
    for (const [dtype, bad] of refused) expect(issueOf(dtype, { data: [0, 0, bad] }).path).toBe('x.data.2');
    expect(issueOf('uint64', [-1]).message).toBe(
      'Expected a uint64 tensor: -1 is not an integer from 0 to 18446744073709551615 (as a safe-integer number, a bigint or a decimal string)',
    );
  });

  it('bool takes true, false, 1 and 0 only', () => {
    expect(Array.from(Tensor({ dtype: 'bool' }).parse([true, false, 1, 0]).data)).toEqual([1, 0, 1, 0]);
    for (const bad of [2, -1, 0.5, 'true', null]) expect(issueOf('bool', [true, bad]).path).toBe('x.1');
  });

  it('float32 and float64 take any number (NaN and ±Infinity from JS callers) and nothing else', () => {
    expect(Array.from(Tensor({ dtype: 'float64' }).parse([0.1, -0, NaN, Infinity]).data)).toEqual([0.1, -0, NaN, Infinity]);
    expect(Array.from(Tensor({ dtype: 'float32' }).parse([0.1, 1e39]).data)).toEqual([Math.fround(0.1), Infinity]);
    for (const bad of ['1', null, true, 1n]) expect(issueOf('float32', [[0, bad]]).path).toBe('x.0.1');
  });
});

describe('Tensor() from JSON: deep or ragged nesting is a validation issue', () => {
  function nestedDeep(depth: number, leaf: unknown = 1): unknown {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }

  it('refuses 100,000 levels of nesting with one issue, quickly, and without recursion', () => {
    const started = performance.now();
    const result = z.object({ x: Tensor({ dtype: 'float32' }) }).safeParse({ x: nestedDeep(100_000) });
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['x', 'Expected a float32 tensor: nested arrays have more than 32 dimensions (at most 32 are supported)'],
    ]);
    expect(issueOf('float32', { shape: [1], data: nestedDeep(100_000) }).path).toBe('x.data');
  });

  it('takes 32 dimensions, and refuses a 33rd or a shape of 33', () => {
    expect(Tensor({ dtype: 'int8' }).parse(nestedDeep(32, 7)).shape).toEqual(Array(32).fill(1));
    expect(issueOf('int8', nestedDeep(33)).message).toContain('more than 32 dimensions');
    expect(issueOf('int8', { shape: Array(33).fill(1), data: [1] }).path).toBe('x.shape');
  });

  it('refuses deep nesting hidden behind a rectangular first element at its path', () => {
    expect(issueOf('float32', [[1], nestedDeep(100_000)])).toEqual({
      path: 'x.1.0',
      message: 'Expected a float32 tensor: nested arrays are not rectangular: expected a number but received an array of length 1',
    });
  });

  it('checks rows before allocating, so a long first row with short others is refused, not allocated', () => {
    // Shape [100000, 100000] read along the first elements would be 10^10 elements.
    const rows: unknown[] = Array.from({ length: 100_000 }, () => []);
    rows[0] = new Array(100_000).fill(0);
    expect(issueOf('float32', rows)).toEqual({
      path: 'x.1',
      message: 'Expected a float32 tensor: nested arrays are not rectangular: expected an array of length 100000 but received an array of length 0',
    });
  });

  it('reads empty dimensions and a scalar', () => {
    expect(Tensor({ dtype: 'float32' }).parse([[], []]).shape).toEqual([2, 0]);
    expect(Tensor({ dtype: 'float32' }).parse([]).shape).toEqual([0]);
    expect(Tensor({ dtype: 'float32' }).parse({ shape: [0, 5], data: [] }).shape).toEqual([0, 5]);
    expect(Array.from(Tensor({ dtype: 'int8' }).parse({ shape: [], data: 3 }).data)).toEqual([3]);
  });
});
