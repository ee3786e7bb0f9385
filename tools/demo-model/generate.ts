/**
 * Writes a complete demo model directory in the layout of optimum's SDXL export plus a separate
 * ControlNet: tiny deterministic weights with the real models' names, dtypes and symbolic shapes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClipVocab, mergesText, tokenizerConfigs } from './clip-vocab';
import { controlnetModel } from './controlnet';
import { COLOUR_WORDS, PLAIN_WORDS, VAE_SCALING_FACTOR } from './design';
import { TEXT_ENCODER, TEXT_ENCODER_2, textEncoderModel } from './text-encoders';
import { unetModel } from './unet';
import { vaeDecoderModel } from './vae-decoder';

/** Options of {@link generateDemoModel}. */
export interface DemoModelOptions {
  /** Declare every float input/output float16 (timesteps stay float32). Default false. */
  float16?: boolean;
}

/** Marks a directory as written by this generator (the CLI only replaces such directories). */
export const DEMO_MODEL_MARKER = '_bento_demo_model';

/** SDXL base 1.0's scheduler config (EulerDiscreteScheduler). */
export const SDXL_SCHEDULER_CONFIG = {
  _class_name: 'EulerDiscreteScheduler',
  _diffusers_version: '0.19.0.dev0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  interpolation_type: 'linear',
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  sample_max_value: 1.0,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: 'leading',
  trained_betas: null,
  use_karras_sigmas: false,
};

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Writes the demo model into `dir` (created if needed; files of the same name are replaced).
 *
 * @example
 * generateDemoModel('apps/sdxl/demo-model');
 * generateDemoModel(tmp, { float16: true });
 */
export function generateDemoModel(dir: string, options: DemoModelOptions = {}): void {
  const float16 = options.float16 ?? false;
  const folder = (name: string) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };

  const { vocab, merges } = buildClipVocab([...Object.keys(COLOUR_WORDS), ...PLAIN_WORDS]);
  for (const [name, pad] of [
    ['tokenizer', '<|endoftext|>'],
    ['tokenizer_2', '!'],
  ] as const) {
    const path = folder(name);
    const { specialTokensMap, tokenizerConfig } = tokenizerConfigs(pad);
    writeJson(join(path, 'vocab.json'), vocab);
    writeFileSync(join(path, 'merges.txt'), mergesText(merges));
    writeJson(join(path, 'special_tokens_map.json'), specialTokensMap);
    writeJson(join(path, 'tokenizer_config.json'), tokenizerConfig);
  }
  writeJson(join(folder('scheduler'), 'scheduler_config.json'), SDXL_SCHEDULER_CONFIG);

  const models: Array<[string, Uint8Array, object]> = [
    [
      'text_encoder',
      textEncoderModel(TEXT_ENCODER, vocab, float16),
      { architectures: ['CLIPTextModel'], hidden_size: 768, num_hidden_layers: 12 },
    ],
    [
      'text_encoder_2',
      textEncoderModel(TEXT_ENCODER_2, vocab, float16),
      {
        architectures: ['CLIPTextModelWithProjection'],
        hidden_size: 1280,
        num_hidden_layers: 32,
        projection_dim: 1280,
      },
    ],
    [
      'unet',
      unetModel(float16),
      {
        _class_name: 'UNet2DConditionModel',
        in_channels: 4,
        out_channels: 4,
        cross_attention_dim: 2048,
      },
    ],
    [
      'controlnet',
      controlnetModel(float16),
      { _class_name: 'ControlNetModel', conditioning_channels: 3, cross_attention_dim: 2048 },
    ],
    [
      'vae_decoder',
      vaeDecoderModel(float16),
      {
        _class_name: 'AutoencoderKL',
        latent_channels: 4,
        scaling_factor: VAE_SCALING_FACTOR,
        force_upcast: false,
      },
    ],
  ];
  for (const [name, bytes, config] of models) {
    const path = folder(name);
    writeFileSync(join(path, 'model.onnx'), bytes);
    writeJson(join(path, 'config.json'), { ...config, [DEMO_MODEL_MARKER]: true });
  }

  writeJson(join(dir, 'model_index.json'), {
    _class_name: 'StableDiffusionXLControlNetPipeline',
    [DEMO_MODEL_MARKER]: `tiny generated stand-in with SDXL's interface (${float16 ? 'float16' : 'float32'} IO); not a real model`,
    force_zeros_for_empty_prompt: true,
    controlnet: ['diffusers', 'ControlNetModel'],
    scheduler: ['diffusers', 'EulerDiscreteScheduler'],
    text_encoder: ['transformers', 'CLIPTextModel'],
    text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    tokenizer_2: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'UNet2DConditionModel'],
    vae: ['diffusers', 'AutoencoderKL'],
  });
}
