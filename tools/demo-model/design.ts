/**
 * The numbers the demo models share. The idea, end to end:
 * - Text: colour words carry a colour (a pre-tanh RGB vector) in the first 3 dims of both text
 *   encoders' embeddings; every other token has 0 there. The penultimate hidden state is the
 *   embedding itself, the last layer its negative, so a pipeline that takes the wrong layer paints
 *   the complementary colour.
 * - ControlNet: the control image's grey level, averaged over each 8×8 block (then 2× and 4× more),
 *   saturated by tanh, projected to each residual's channels by a fixed vector.
 * - UNet: knows σ(t) from the training schedule (a table) and predicts ε = (x − x₀)/σ with
 *   x = sample·√(σ²+1) (undoing scale_model_input) and x₀ = [colour from the prompt; structure
 *   from the residuals]. An Euler loop then lands exactly on x₀ whatever the noise and step count.
 * - VAE decoder: RGB = tanh(colour − EDGE_DARKNESS·structure), upsampled 8×.
 */

/** SDXL's VAE scaling factor: the pipeline divides latents by it before decoding. */
export const VAE_SCALING_FACTOR = 0.13025;

/** Width of the per-token feature table the text encoders project up to 768/1280. */
export const TEXT_FEATURES = 8;

/** Gain on the 8×8 block average of the control image before tanh: a 1-pixel line reads ~0.76. */
export const EDGE_GAIN = 8;

/** How much the structure channel darkens RGB (pre-tanh): enough to show through colour × 5. */
export const EDGE_DARKNESS = 4;

/** Each colour path (encoder 1 states, encoder 2 states, pooled text_embeds) adds a third. */
export const COLOUR_PATH_WEIGHT = 1 / 3;

/**
 * Colour strength: muted at guidance 1 (tanh(0.3) ≈ 0.29) and strong, not yet flat, at diffusers'
 * default guidance 5, where CFG against zero negatives multiplies the colour by 5.
 */
const COLOUR_SCALE = 0.3;

const level = (v: number) => COLOUR_SCALE * (2 * v - 1);
const fromRgb = (r: number, g: number, b: number): Rgb => [level(r), level(g), level(b)];

/** A pre-tanh RGB vector: what a word adds to the decoded picture's colour at guidance 1. */
export type Rgb = readonly [number, number, number];

/** Words that colour the picture. Brightness words shift all three channels. */
export const COLOUR_WORDS: Readonly<Record<string, Rgb>> = {
  red: fromRgb(1, 0.1, 0.1),
  green: fromRgb(0.1, 0.75, 0.15),
  blue: fromRgb(0.1, 0.2, 1),
  yellow: fromRgb(1, 0.9, 0.1),
  orange: fromRgb(1, 0.5, 0.05),
  purple: fromRgb(0.5, 0.1, 0.6),
  violet: fromRgb(0.55, 0.25, 0.85),
  pink: fromRgb(1, 0.55, 0.7),
  white: fromRgb(1, 1, 1),
  black: fromRgb(0, 0, 0),
  gray: fromRgb(0.5, 0.5, 0.5),
  grey: fromRgb(0.5, 0.5, 0.5),
  brown: fromRgb(0.5, 0.3, 0.15),
  cyan: fromRgb(0.1, 0.9, 0.9),
  magenta: fromRgb(0.9, 0.1, 0.8),
  gold: fromRgb(0.9, 0.75, 0.2),
  dark: [-0.2, -0.2, -0.2],
  bright: [0.2, 0.2, 0.2],
  light: [0.2, 0.2, 0.2],
};

/** Other common prompt words: in the vocabulary, no colour. */
export const PLAIN_WORDS: readonly string[] = (
  'a an the of in on at with and by house home building car tree trees cat dog bird flower flowers ' +
  'garden city street road sky cloud clouds mountain river lake sea forest beach field sunset night ' +
  'day morning photo painting drawing picture portrait landscape style art old new small big large ' +
  'tall modern wooden stone brick roof window door wall man woman person people face sun moon water ' +
  'snow rain beautiful detailed high quality realistic cinematic lighting simple little'
).split(' ');

/** One ControlNet output / UNet residual input: channels, level (0: h, 1: h/2, 2: h/4), weight. */
export interface ResidualDesign {
  controlnetName: string;
  unetName: string;
  channels: number;
  level: 0 | 1 | 2;
  /** Its share of the structure channel; the shares add up to 1. */
  weight: number;
}

const DOWN: ReadonlyArray<[channels: number, level: 0 | 1 | 2, weight: number]> = [
  [320, 0, 0.2],
  [320, 0, 0.2],
  [320, 0, 0.2],
  [320, 1, 0.1],
  [640, 1, 0.05],
  [640, 1, 0.05],
  [640, 2, 0.05],
  [1280, 2, 0.05],
  [1280, 2, 0.05],
];

/** SDXL ControlNet's 9 down residuals and the mid residual, in order. */
export const RESIDUALS: readonly ResidualDesign[] = [
  ...DOWN.map(([channels, level, weight], k) => ({
    controlnetName: `down_block_res_sample_${k}`,
    unetName: `down_block_additional_residual_${k}`,
    channels,
    level,
    weight,
  })),
  {
    controlnetName: 'mid_block_res_sample',
    unetName: 'mid_block_additional_residual',
    channels: 1280,
    level: 2,
    weight: 0.05,
  },
];

/** mulberry32: a tiny deterministic PRNG, uniform in [-1, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/**
 * The ControlNet's projection of the 1-channel structure map onto residual `k`'s channels, and the
 * UNet's way back (`w / |w|²`, so the round trip is the identity).
 */
export function residualProjection(k: number): { up: Float32Array; down: Float32Array } {
  const random = prng(1000 + k);
  const up = Float32Array.from({ length: RESIDUALS[k].channels }, () => random());
  const norm2 = up.reduce((sum, v) => sum + v * v, 0);
  return { up, down: up.map((v) => v / norm2) };
}

/**
 * σ for every training timestep of SDXL's schedule (scaled_linear, β 0.00085 → 0.012, 1000
 * steps): σ = √((1 − ᾱ)/ᾱ). The UNet looks σ up from `timestep`, as a trained UNet knows it.
 */
export function trainingSigmas(): Float32Array {
  const steps = 1000;
  const [start, end] = [Math.sqrt(0.00085), Math.sqrt(0.012)];
  const sigmas = new Float32Array(steps);
  let alphaBar = 1;
  for (let i = 0; i < steps; i++) {
    const beta = (start + ((end - start) * i) / (steps - 1)) ** 2;
    alphaBar *= 1 - beta;
    sigmas[i] = Math.sqrt((1 - alphaBar) / alphaBar);
  }
  return sigmas;
}
