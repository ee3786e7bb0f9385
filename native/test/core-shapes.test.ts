// @bento/native declares its Tensor and Image itself, to depend on nothing, yet they must be
// @bento/core's: a service hands core's decoded Image and Tensors to native functions and returns
// their results as its own. Below is a copy of core's declarations; `npm run typecheck`
// (tsc -p native) fails when native's types stop matching it, and the first test fails when core's
// own declarations no longer read like the copy (then update the copy, and native if need be).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { cannySync, imageToTensor, tensorToImage, type Image, type Tensor } from '../lib';

// ---- Copy of packages/core/src/sdk/dtype.ts, tensor.ts and image.ts (types only) ----
type CoreDTypes = {
  readonly float32: typeof Float32Array;
  readonly float64: typeof Float64Array;
  readonly float16: typeof Uint16Array;
  readonly int8: typeof Int8Array;
  readonly uint8: typeof Uint8Array;
  readonly int16: typeof Int16Array;
  readonly uint16: typeof Uint16Array;
  readonly int32: typeof Int32Array;
  readonly uint32: typeof Uint32Array;
  readonly int64: typeof BigInt64Array;
  readonly uint64: typeof BigUint64Array;
  readonly bool: typeof Uint8Array;
};
type CoreDType = keyof CoreDTypes;
type CoreTypedArrayOf<D extends CoreDType> = InstanceType<CoreDTypes[D]>;
interface CoreTensor<D extends CoreDType = CoreDType> {
  dtype: D;
  shape: number[];
  data: CoreTypedArrayOf<D>;
}
interface CoreImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}
// ---- End of the copy ----

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

// The same types, not merely compatible ones.
expectType<Equal<Tensor<'float32'>, CoreTensor<'float32'>>>();
expectType<Equal<Tensor<'float16'>, CoreTensor<'float16'>>>();
expectType<Equal<Tensor, CoreTensor<'float32' | 'float16'>>>();
expectType<Equal<Image, CoreImage>>();

const coreRoot = path.join(__dirname, '..', '..', 'packages', 'core', 'src', 'sdk');
/** A core source file without its line comments, on one line, with single spaces. */
function source(file: string): string {
  const text = readFileSync(path.join(coreRoot, file), 'utf8');
  return text.replace(/(^|\s)\/\/.*$/gm, '$1').replace(/\s+/g, ' ');
}

test("core's declarations still read like the copy above", () => {
  expect(source('tensor.ts')).toContain(
    'export interface Tensor<D extends DType = DType> { dtype: D; shape: number[]; data: TypedArrayOf<D>; }',
  );
  expect(source('image.ts')).toContain(
    'export interface Image { data: Uint8Array; width: number; height: number; channels: number; }',
  );
  const dtype = source('dtype.ts');
  expect(dtype).toContain(
    'export type TypedArrayOf<D extends DType> = InstanceType<(typeof DTYPES)[D]>;',
  );
  const table = /export const DTYPES = \{(.*?)\} as const;/.exec(dtype)?.[1] ?? '';
  expect(table.match(/\w+: \w+/g)).toEqual([
    'float32: Float32Array',
    'float64: Float64Array',
    'float16: Uint16Array',
    'int8: Int8Array',
    'uint8: Uint8Array',
    'int16: Int16Array',
    'uint16: Uint16Array',
    'int32: Int32Array',
    'uint32: Uint32Array',
    'int64: BigInt64Array',
    'uint64: BigUint64Array',
    'bool: Uint8Array',
  ]);
});

test('core images and tensors go into native functions and come out as core types', () => {
  const data = new Uint8Array([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255]);
  const image: CoreImage = { data, width: 2, height: 2, channels: 3 };
  const floats: CoreTensor<'float32'> = imageToTensor(image, { scale: 1 / 255 });
  const halves: CoreTensor<'float16'> = imageToTensor(image, { dtype: 'float16' });
  const atRunTime = (dtype: 'float32' | 'float16'): CoreTensor => imageToTensor(image, { dtype });
  const either = atRunTime('float16');
  expect(floats.dtype).toBe('float32');
  expect(floats.shape).toEqual([1, 3, 2, 2]);
  expect(floats.data).toBeInstanceOf(Float32Array);
  expect(halves.dtype).toBe('float16');
  expect(halves.data).toBeInstanceOf(Uint16Array);
  expect(either.data).toEqual(halves.data);

  const back: CoreImage = tensorToImage(floats, { scale: 1 / 255 });
  expect(back).toEqual(image);
  expect(tensorToImage(halves)).toEqual(image);
  const edges: CoreImage = cannySync(image, { low: 10, high: 20 });
  expect(edges).toMatchObject({ width: 2, height: 2, channels: 1 });

  // @ts-expect-error a float32 result is not a core float16 tensor
  const wrong: CoreTensor<'float16'> = imageToTensor(image);
  expect(wrong.dtype).toBe('float32');
});

test('the old { type, dims } shape and non-image dtypes are refused, at compile time and at run time', () => {
  // `type` and `dims` were @bento/native's names before it took core's.
  const old = { type: 'float32', dims: [1, 1, 1, 1], data: new Float32Array(1) };
  const refused = /^Expected one of 'float32', 'float16' for tensor\.dtype but received undefined$/;
  // @ts-expect-error no dtype, no shape
  expect(() => tensorToImage(old)).toThrow(refused);
  const bytes: CoreTensor<'uint8'> = {
    dtype: 'uint8',
    shape: [1, 1, 1, 1],
    data: new Uint8Array(1),
  };
  // @ts-expect-error only float32 and float16 tensors become images
  expect(() => tensorToImage(bytes)).toThrow(/for tensor\.dtype but received "uint8"$/);
});
