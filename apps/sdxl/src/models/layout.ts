/**
 * The models SDXLControlNetService runs: optimum's SDXL export (text_encoder, text_encoder_2, unet,
 * vae_decoder) plus a separate SDXL ControlNet, with every input and output's name, element type
 * and symbolic shape. `check-io.ts` compares a session against this; nothing else spells these names.
 */

/** The model folders of a model directory, each holding `model.onnx`. */
export type ModelName = 'text_encoder' | 'text_encoder_2' | 'unet' | 'controlnet' | 'vae_decoder';

/** All model names, in loading order. */
export const MODEL_NAMES: readonly ModelName[] = [
  'text_encoder',
  'text_encoder_2',
  'unet',
  'controlnet',
  'vae_decoder',
];

/**
 * One dimension: a fixed size, or a symbol. `B` is the batch, `h`/`w` the latent size (image / 8);
 * `h/2` and `h/4` are SDXL's downsampled sizes, rounded up (stride-2 convs on odd sizes).
 */
export type Dim = number | 'B' | 'h' | 'w' | '8h' | '8w' | 'h/2' | 'w/2' | 'h/4' | 'w/4';

/**
 * `float`: float32 or float16, the same for every float tensor of a model (see `FloatPrecision`).
 * `timestep`: float32/float16 scalar [] (optimum since late 2024) or int64 [1] (older exports).
 */
export type DeclaredType = 'float' | 'int64' | 'timestep';

/** One declared input or output. */
export interface TensorDecl {
  readonly name: string;
  readonly type: DeclaredType;
  readonly shape: readonly Dim[];
}

/** One model: its file inside the model directory and its inputs/outputs. */
export interface ModelDecl {
  readonly name: ModelName;
  /** Relative to the model directory, `/`-separated. */
  readonly file: string;
  readonly inputs: readonly TensorDecl[];
  readonly outputs: readonly TensorDecl[];
}

/** The element type of a model's float tensors. */
export type FloatPrecision = 'float32' | 'float16';

const float = (name: string, shape: readonly Dim[]): TensorDecl => ({ name, type: 'float', shape });

const hiddenStates = (count: number, width: number): TensorDecl[] =>
  Array.from({ length: count + 1 }, (_, n) => float(`hidden_states.${n}`, ['B', 77, width]));

/** SDXL ControlNet's down residuals: 3×320@h, 320@h/2, 2×640@h/2, 640@h/4, 2×1280@h/4. */
const DOWN_RESIDUALS: ReadonlyArray<readonly Dim[]> = [
  ['B', 320, 'h', 'w'],
  ['B', 320, 'h', 'w'],
  ['B', 320, 'h', 'w'],
  ['B', 320, 'h/2', 'w/2'],
  ['B', 640, 'h/2', 'w/2'],
  ['B', 640, 'h/2', 'w/2'],
  ['B', 640, 'h/4', 'w/4'],
  ['B', 1280, 'h/4', 'w/4'],
  ['B', 1280, 'h/4', 'w/4'],
];
const MID_RESIDUAL: readonly Dim[] = ['B', 1280, 'h/4', 'w/4'];

/** The inputs the UNet and the ControlNet share. */
const DENOISER_INPUTS: readonly TensorDecl[] = [
  float('sample', ['B', 4, 'h', 'w']),
  { name: 'timestep', type: 'timestep', shape: [] },
  float('encoder_hidden_states', ['B', 77, 2048]),
];
const ADDED_CONDITIONS: readonly TensorDecl[] = [
  float('text_embeds', ['B', 1280]),
  float('time_ids', ['B', 6]),
];

/** Every model's declaration. */
export const MODEL_LAYOUT: Readonly<Record<ModelName, ModelDecl>> = {
  text_encoder: {
    name: 'text_encoder',
    file: 'text_encoder/model.onnx',
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['B', 77] }],
    outputs: [
      float('last_hidden_state', ['B', 77, 768]),
      float('pooler_output', ['B', 768]),
      ...hiddenStates(12, 768),
    ],
  },
  text_encoder_2: {
    name: 'text_encoder_2',
    file: 'text_encoder_2/model.onnx',
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['B', 77] }],
    outputs: [
      float('text_embeds', ['B', 1280]),
      float('last_hidden_state', ['B', 77, 1280]),
      ...hiddenStates(32, 1280),
    ],
  },
  unet: {
    name: 'unet',
    file: 'unet/model.onnx',
    inputs: [
      ...DENOISER_INPUTS,
      ...ADDED_CONDITIONS,
      ...DOWN_RESIDUALS.map((shape, k) => float(`down_block_additional_residual_${k}`, shape)),
      float('mid_block_additional_residual', MID_RESIDUAL),
    ],
    outputs: [float('out_sample', ['B', 4, 'h', 'w'])],
  },
  controlnet: {
    name: 'controlnet',
    file: 'controlnet/model.onnx',
    inputs: [
      ...DENOISER_INPUTS,
      float('controlnet_cond', ['B', 3, '8h', '8w']),
      ...ADDED_CONDITIONS,
    ],
    outputs: [
      ...DOWN_RESIDUALS.map((shape, k) => float(`down_block_res_sample_${k}`, shape)),
      float('mid_block_res_sample', MID_RESIDUAL),
    ],
  },
  vae_decoder: {
    name: 'vae_decoder',
    file: 'vae_decoder/model.onnx',
    inputs: [float('latent_sample', ['B', 4, 'h', 'w'])],
    outputs: [float('sample', ['B', 3, '8h', '8w'])],
  },
};

/** The hidden state SDXL conditions on: each encoder's penultimate layer. */
export const PENULTIMATE_HIDDEN_STATE = {
  text_encoder: 'hidden_states.11',
  text_encoder_2: 'hidden_states.31',
} as const;

/** The tokenizer folders and the files each must hold. */
export const TOKENIZER_FILES = {
  tokenizer: ['vocab.json', 'merges.txt'],
  tokenizer_2: ['vocab.json', 'merges.txt'],
} as const;

/** The scheduler's config file, relative to the model directory. */
export const SCHEDULER_CONFIG_FILE = 'scheduler/scheduler_config.json';

/** Sizes for the symbols of `Dim`: batch and latent height/width. */
export interface DimSizes {
  B: number;
  h: number;
  w: number;
}

const half = (n: number) => Math.ceil(n / 2);

/**
 * A declared shape with its symbols replaced by sizes.
 *
 * @example
 * resolveShape(['B', 640, 'h/4', 'w/4'], { B: 2, h: 65, w: 64 }); // [2, 640, 17, 16]
 */
export function resolveShape(shape: readonly Dim[], { B, h, w }: DimSizes): number[] {
  const sizes: Record<Exclude<Dim, number>, number> = {
    B,
    h,
    w,
    '8h': 8 * h,
    '8w': 8 * w,
    'h/2': half(h),
    'w/2': half(w),
    'h/4': half(half(h)),
    'w/4': half(half(w)),
  };
  return shape.map((d) => (typeof d === 'number' ? d : sizes[d]));
}
