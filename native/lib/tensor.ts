// Image <-> tensor marshalling for model pipelines. Formulas (float32, one rounding per step):
//   imageToTensor: t = (x * scale - mean[c]) / std[c]
//   tensorToImage: x = clamp(roundHalfEven((t * std[c] + mean[c]) / scale), 0, 255), NaN -> 0
import { binding } from './load-binding';
import type { Image, Normalization, Tensor, TensorDType, ToTensorOptions } from './types';
import { checkImage, checkInt, checkObject, checkOneOf, rangeError, typeError } from './validate';

function normalization(options: Normalization, channels: number): { scale: number; mean: number[]; std: number[] } {
  const scale = options.scale ?? 1;
  if (typeof scale !== 'number') throw typeError('a number', 'options.scale', scale);
  if (!Number.isFinite(scale) || scale === 0) throw rangeError('a finite non-zero number', 'options.scale', scale);
  const list = (value: readonly number[] | undefined, name: string, fill: number): number[] => {
    if (value === undefined) return new Array<number>(channels).fill(fill);
    if (!Array.isArray(value) || value.length !== channels) throw typeError(`an array of ${channels} numbers`, name, value);
    return value.map((v, i) => {
      if (typeof v !== 'number') throw typeError('a number', `${name}[${i}]`, v);
      if (!Number.isFinite(v)) throw rangeError('a finite number', `${name}[${i}]`, v);
      return v;
    });
  };
  const std = list(options.std, 'options.std', 1);
  std.forEach((v, i) => {
    if (v === 0) throw rangeError('a non-zero number', `options.std[${i}]`, v);
  });
  return { scale, mean: list(options.mean, 'options.mean', 0), std };
}

/**
 * H x W x C uint8 image to a `{ dtype, shape: [1, C, H, W], data }` tensor (float32, or float16
 * as IEEE half bits), normalised per channel: the `Tensor` shape of `@bento/core`.
 * The image is read in place and the result is written in place (no copies); pass `out` to
 * reuse one array across calls.
 * @example const t = imageToTensor(img, { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
 */
export function imageToTensor(image: Image, options?: ToTensorOptions<'float32'>): Tensor<'float32'>;
/** {@link imageToTensor} to float16 (IEEE half bits in a Uint16Array). */
export function imageToTensor(image: Image, options: ToTensorOptions<'float16'> & { dtype: 'float16' }): Tensor<'float16'>;
/** {@link imageToTensor} with a dtype known only at run time. */
export function imageToTensor(image: Image, options: ToTensorOptions): Tensor;
// Overloads rather than a type parameter: a type parameter would also be inferred from the type
// the caller assigns the result to, and so could promise float16 for a float32 result.
export function imageToTensor(image: Image, options: ToTensorOptions = {}): Tensor {
  const img = checkImage(image, 'image', [1, 2, 3, 4]);
  checkObject(options, 'options');
  const dtype = checkOneOf<TensorDType>(options.dtype ?? 'float32', 'options.dtype', ['float32', 'float16']);
  const { scale, mean, std } = normalization(options, img.channels);
  const want = dtype === 'float16' ? Uint16Array : Float32Array;
  const { out } = options;
  if (out !== undefined && !(out instanceof want)) throw typeError(`a ${want.name}`, 'options.out', out);
  const count = img.width * img.height * img.channels;
  if (out !== undefined && out.length !== count) throw rangeError(`length ${count}`, 'options.out.length', out.length);
  const b = binding();
  const threads = options.threads === undefined ? b.backends().threads : checkInt(options.threads, 'options.threads', 1, 1024);
  const data = b.imageToTensor(img.data, img.width, img.height, img.channels, scale, mean, std,
    dtype === 'float16', out, threads);
  return { dtype, shape: [1, img.channels, img.height, img.width], data };
}

/**
 * A `{ dtype, shape: [1, C, H, W], data }` float32 or float16 tensor (`@bento/core`'s `Tensor`
 * shape) back to an H x W x C uint8 image: the inverse normalisation, rounded half to even and
 * clamped to [0, 255].
 */
export function tensorToImage(tensor: Tensor, options: Normalization = {}): Image {
  checkObject(tensor, 'tensor');
  const dtype = checkOneOf<TensorDType>(tensor.dtype, 'tensor.dtype', ['float32', 'float16']);
  const shape: unknown = tensor.shape;
  if (!Array.isArray(shape) || shape.length !== 4) throw typeError('[1, C, H, W]', 'tensor.shape', shape);
  checkInt(shape[0], 'tensor.shape[0]', 1, 1);
  const channels = checkInt(shape[1], 'tensor.shape[1]', 1, 4);
  const height = checkInt(shape[2], 'tensor.shape[2]', 1, 1 << 20);
  const width = checkInt(shape[3], 'tensor.shape[3]', 1, 1 << 20);
  const want = dtype === 'float16' ? Uint16Array : Float32Array;
  if (!(tensor.data instanceof want)) throw typeError(`a ${want.name}`, 'tensor.data', tensor.data);
  const count = channels * height * width;
  if (tensor.data.length !== count) throw rangeError(`length ${count}`, 'tensor.data.length', tensor.data.length);
  checkObject(options, 'options');
  const { scale, mean, std } = normalization(options, channels);
  const data = binding().tensorToImage(tensor.data, width, height, channels, scale, mean, std, dtype === 'float16');
  return { data, width, height, channels };
}

/** float32 values to IEEE half bits, rounded to nearest even (NaN stays NaN, overflow is Inf). */
export function float32ToFloat16(values: Float32Array): Uint16Array<ArrayBuffer> {
  if (!(values instanceof Float32Array)) throw typeError('a Float32Array', 'values', values);
  return binding().float32ToFloat16(values);
}

/** IEEE half bits to float32 (exact). */
export function float16ToFloat32(values: Uint16Array): Float32Array<ArrayBuffer> {
  if (!(values instanceof Uint16Array)) throw typeError('a Uint16Array', 'values', values);
  return binding().float16ToFloat32(values);
}
