// Canny edge detection, bit-identical to OpenCV 4.x cv2.Canny.
import { binding } from './load-binding';
import type { Backend, Backends, CannyOptions, EdgeImage, Image } from './types';
import { checkImage, checkInt, checkObject, checkOneOf, checkThreshold, rangeError, typeError } from './validate';

/**
 * Which backends this build and machine offer. Without a GPU `cuda.reason` says why.
 * @example if (backends().cuda.available) await canny(img, { low: 100, high: 200, backend: 'cuda' });
 */
export function backends(): Backends {
  return binding().backends();
}

interface CannyCall {
  image: Image;
  low: number;
  high: number;
  aperture: number;
  l2gradient: boolean;
  threads: number;
  useCuda: boolean;
}

function parse(image: unknown, options: unknown, channels: readonly number[]): CannyCall {
  const img = checkImage(image, 'image', channels);
  checkObject(options, 'options');
  const low = checkThreshold(options.low, 'options.low');
  const high = checkThreshold(options.high, 'options.high');
  const aperture = checkOneOf(options.aperture ?? 3, 'options.aperture', [3, 5, 7] as const);
  const l2gradient = options.l2gradient ?? false;
  if (typeof l2gradient !== 'boolean') throw typeError('a boolean', 'options.l2gradient', l2gradient);
  const backend = checkOneOf<Backend>(options.backend ?? 'auto', 'options.backend', ['auto', 'cpu', 'cuda']);
  const info = backends();
  const threads = options.threads === undefined ? info.threads : checkInt(options.threads, 'options.threads', 1, 1024);
  if (backend === 'cuda' && !info.cuda.available) {
    throw rangeError(`an available backend ('cpu' or 'auto'; CUDA: ${info.cuda.reason ?? 'unavailable'})`, 'options.backend', 'cuda');
  }
  const useCuda = backend === 'cuda' || (backend === 'auto' && info.cuda.available);
  return { image: img, low, high, aperture, l2gradient, threads, useCuda };
}

function run(call: CannyCall, outChannels: 1 | 3, async: false): Uint8Array;
function run(call: CannyCall, outChannels: 1 | 3, async: true): Promise<Uint8Array>;
function run(call: CannyCall, outChannels: 1 | 3, async: boolean): Uint8Array | Promise<Uint8Array> {
  const { image: i } = call;
  const args = [i.data, i.width, i.height, i.channels, call.low, call.high, call.aperture,
    call.l2gradient, outChannels, call.threads, call.useCuda] as const;
  return async ? binding().canny(...args, true) : binding().canny(...args, false);
}

function edges(image: Image, data: Uint8Array, channels: 1 | 3): EdgeImage {
  return { data, width: image.width, height: image.height, channels };
}

/**
 * Canny edges of a gray, RGB or RGBA image, computed off the event loop.
 * Same bits as `cv2.Canny(img, low, high, apertureSize=aperture, L2gradient=l2gradient)`;
 * multi-channel input follows OpenCV's rule (per pixel, the channel with the strongest gradient).
 * The input buffer is read in place: do not modify it until the promise settles.
 * @example const edges = await canny(image, { low: 100, high: 200 });
 */
export async function canny(image: Image, options: CannyOptions): Promise<EdgeImage> {
  const call = parse(image, options, [1, 3, 4]);
  return edges(call.image, await run(call, 1, true), 1);
}

/** {@link canny} on the calling thread. */
export function cannySync(image: Image, options: CannyOptions): EdgeImage {
  const call = parse(image, options, [1, 3, 4]);
  return edges(call.image, run(call, 1, false), 1);
}

/**
 * The ControlNet Canny step in one call: RGB (H x W x 3) in, the edge map already stacked to
 * H x W x 3 out, i.e. `np.stack([cv2.Canny(rgb, low, high)] * 3, axis=2)`.
 * @example const control = await cannyEdgesRgb(photo, { low: 100, high: 200 });
 */
export async function cannyEdgesRgb(image: Image, options: CannyOptions): Promise<EdgeImage> {
  const call = parse(image, options, [3]);
  return edges(call.image, await run(call, 3, true), 3);
}

/** {@link cannyEdgesRgb} on the calling thread. */
export function cannyEdgesRgbSync(image: Image, options: CannyOptions): EdgeImage {
  const call = parse(image, options, [3]);
  return edges(call.image, run(call, 3, false), 3);
}
