import { residualBuffers, type ResidualBuffer } from './residual-buffers';

export const LATENT_CHANNELS = 4;

/** The batch sizes and latent size of one denoising run. */
export interface LoopShape {
  /** 2 with classifier-free guidance: `[negative; positive]`. */
  batch: number;
  /** What the ControlNet runs on: 1 in guess mode with guidance (the conditional half only). */
  controlBatch: number;
  /** Latent height and width: the image's over 8. */
  h: number;
  w: number;
}

/** Everything one denoising run reads and writes, allocated before the first step. */
export interface LoopBuffers {
  readonly shape: LoopShape;
  /** `[1, 4, h, w]`: the sample being denoised, stepped in place. */
  latents: Float32Array;
  /** `[B, 4, h, w]`: the scaled latents, once per batch half. */
  modelInput: Float32Array;
  /** `[B, 4, h, w]`: the UNet's noise prediction. */
  noise: Float32Array;
  /** What the UNet takes: `[B, …]`. */
  unetResiduals: ResidualBuffer[];
  /** What the ControlNet writes (`[1, …]` in guess mode with guidance), scaled into `unetResiduals`. */
  controlnetResiduals: ResidualBuffer[];
  /** Whether `unetResiduals` hold zeros now (true when fresh): the loop zeroes them only when not. */
  residualsZero: boolean;
}

function sameShape(a: LoopShape, b: LoopShape): boolean {
  return a.batch === b.batch && a.controlBatch === b.controlBatch && a.h === b.h && a.w === b.w;
}

function allocate(shape: LoopShape): LoopBuffers {
  const { batch, controlBatch, h, w } = shape;
  const latentSize = LATENT_CHANNELS * h * w;
  return {
    shape,
    latents: new Float32Array(latentSize),
    modelInput: new Float32Array(batch * latentSize),
    noise: new Float32Array(batch * latentSize),
    unetResiduals: residualBuffers(batch, h, w),
    controlnetResiduals: residualBuffers(controlBatch, h, w),
    residualsZero: true,
  };
}

/**
 * Keeps the buffers of the last finished run for the next one of the same shape. At 1024² with
 * guidance they are ~430 MB: allocating (and page-faulting) them afresh took hundreds of
 * milliseconds a generation. One spare set at most, so memory stays bounded; runs that overlap
 * each get their own, and the last one to finish leaves its set here.
 */
export class LoopBufferCache {
  private spare?: LoopBuffers;

  take(shape: LoopShape): LoopBuffers {
    const spare = this.spare;
    if (spare && sameShape(spare.shape, shape)) {
      this.spare = undefined;
      return spare;
    }
    return allocate(shape);
  }

  /** Gives a run's buffers back once nothing reads them any more (after the VAE decode). */
  give(buffers: LoopBuffers): void {
    this.spare = buffers;
  }

  /** Drops the spare set (a service shutting down, or memory wanted elsewhere). */
  clear(): void {
    this.spare = undefined;
  }
}
