/**
 * An image: packed rows of interleaved 8-bit channels (H x W x C). The same shape as
 * `@bento/core`'s decoded `Image`, declared here so that this package depends on nothing;
 * test/core-shapes.test.ts checks that the two stay interchangeable.
 */
export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Where a kernel runs: `'auto'` picks CUDA when it is available, else the CPU. */
export type Backend = 'auto' | 'cpu' | 'cuda';

/** Options of {@link canny}; the meaning of each matches `cv2.Canny`. */
export interface CannyOptions {
  /** Lower hysteresis threshold (>= 0). Swapped with `high` when larger, as OpenCV does. */
  low: number;
  /** Upper hysteresis threshold (>= 0). */
  high: number;
  /** Sobel aperture size; default 3. */
  aperture?: 3 | 5 | 7;
  /** Use the L2 gradient norm instead of |dx|+|dy|; default false. */
  l2gradient?: boolean;
  /** Default `'auto'`. Asking for `'cuda'` where it is not available is a RangeError. */
  backend?: Backend;
  /** CPU threads (>= 1); default: every core. The output does not depend on it. */
  threads?: number;
}

/** An edge map: one channel (or three equal ones), 255 on edges and 0 elsewhere. */
export interface EdgeImage extends Image {
  channels: 1 | 3;
}

/** What {@link backends} reports. */
export interface Backends {
  cpu: true;
  cuda: {
    /** The addon was built with the CUDA kernels. */
    compiled: boolean;
    /** A CUDA device can be used now. */
    available: boolean;
    /** Name of the device used, when available. */
    device?: string;
    /** Why CUDA is not available, when it is not. */
    reason?: string;
  };
  /** Threads the CPU kernels use by default. */
  threads: number;
}

/** Per-channel normalisation: `t = (x * scale - mean[c]) / std[c]`, in float32. */
export interface Normalization {
  /** Multiplies the byte value first; default 1 (use 1/255 for [0, 1] inputs). */
  scale?: number;
  /** One value per channel; default all 0. */
  mean?: readonly number[];
  /** One value per channel; default all 1. */
  std?: readonly number[];
}

/** The element types of tensors here: a subset of `@bento/core`'s `DType`. */
export type TensorDType = 'float32' | 'float16';

/**
 * The array that holds a dtype's elements, as in `@bento/core` (float16 is IEEE half bits: Node 20
 * has no Float16Array). Backed by an `ArrayBuffer`, never a `SharedArrayBuffer`, like core's.
 */
export type TypedArrayOf<D extends TensorDType> = {
  float32: Float32Array<ArrayBuffer>;
  float16: Uint16Array<ArrayBuffer>;
}[D];

/** Options of {@link imageToTensor}. */
export interface ToTensorOptions<D extends TensorDType = TensorDType> extends Normalization {
  /** Element type of the result; default `'float32'` (float16 comes as IEEE half bits). */
  dtype?: D;
  /**
   * Write into this array (length C*H*W) instead of allocating. Reusing one across calls
   * avoids the page faults of fresh memory, which cost more than the conversion itself.
   */
  out?: TypedArrayOf<D>;
  /** Threads (>= 1); default: every core. The output does not depend on it. */
  threads?: number;
}

/**
 * A dense tensor, elements in row-major order: `@bento/core`'s `Tensor` shape, declared here so
 * that this package depends on nothing (test/core-shapes.test.ts checks that the two stay
 * interchangeable). Images become `shape: [1, C, H, W]` (N x C x H x W with N = 1).
 */
export interface Tensor<D extends TensorDType = TensorDType> {
  dtype: D;
  shape: number[];
  data: TypedArrayOf<D>;
}
