/**
 * A raw image: packed rows of interleaved 8-bit channels (H x W x C), the same shape as
 * `@bento/core`'s raw image (declared here so that this package depends on nothing).
 */
export interface RawImage {
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
export interface EdgeImage extends RawImage {
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

/** Options of {@link imageToTensor}. */
export interface ToTensorOptions extends Normalization {
  /** Element type of the result; default `'float32'` (float16 comes as IEEE half bits). */
  dtype?: 'float32' | 'float16';
  /**
   * Write into this array (length C*H*W) instead of allocating. Reusing one across calls
   * avoids the page faults of fresh memory, which cost more than the conversion itself.
   */
  out?: Float32Array | Uint16Array;
  /** Threads (>= 1); default: every core. The output does not depend on it. */
  threads?: number;
}

/** A dense N x C x H x W tensor (N = 1). float16 data holds IEEE half bits. */
export interface Tensor {
  data: Float32Array | Uint16Array;
  dims: [number, number, number, number];
  type: 'float32' | 'float16';
}
