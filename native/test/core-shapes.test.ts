// @bento/native declares its Tensor and Image itself, to depend on nothing at run time, yet they
// must be @bento/core's: a service hands core's decoded Image and Tensors to native functions and
// returns their results as its own. This test compares with core's own types (a type-only import,
// so the package still needs nothing of core): `npm run typecheck` (tsc -p native) fails when
// native's types stop matching them.
import type { Image as CoreImage, Tensor as CoreTensor } from '@bento/core';

import { cannySync, imageToTensor, tensorToImage, type Image, type Tensor } from '../lib';

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
