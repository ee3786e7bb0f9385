import type { Image } from '@bento/core';

/** What one generation is asked to do, validated (see the service's input schema). */
export interface Generation {
  prompt: string;
  /** Undefined: zero negative embeddings (SDXL's `force_zeros_for_empty_prompt`); `""` is encoded. */
  negativePrompt?: string;
  /** The control image (edges), H×W×3. */
  control: Image;
  height: number;
  width: number;
  steps: number;
  guidanceScale: number;
  conditioningScale: number;
  controlGuidanceStart: number;
  controlGuidanceEnd: number;
  guessMode: boolean;
  seed: number;
}

/** Time spent in each stage of one generation, in milliseconds. */
export interface StageTimes {
  encode: number;
  denoise: number;
  decode: number;
  /** Of `denoise`, the time outside `session.run`: the framework's own work per run. */
  denoiseOwn: number;
}

/** Called after each denoising step (progress, cancellation). */
export type StepListener = (step: number, total: number) => void;

/** A denoising step just finished: `step` of `total` (1-based). */
export interface StepDone {
  step: number;
  total: number;
}
