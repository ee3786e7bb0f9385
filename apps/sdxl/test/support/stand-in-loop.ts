/**
 * TEST STAND-IN, not the pipeline: the smallest loop that exercises the demo model's weights the
 * way StableDiffusionXLControlNetPipeline would (word-lookup tokenizing, penultimate states,
 * Euler with leading spacing, optional CFG with zero negatives, VAE decode). The real tokenizer,
 * scheduler and orchestration live in the app; this only checks that the weights' design works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';

/** The five sessions by folder name. */
export type DemoSessions = Record<
  'text_encoder' | 'text_encoder_2' | 'unet' | 'controlnet' | 'vae_decoder',
  InferenceSession
>;

/** A float32 tensor. */
export function f32(data: Float32Array, dims: readonly number[]): Tensor {
  return new Tensor('float32', data, dims);
}

/** Token ids by looking each lowercase word up as `word</w>`; BOS, EOS, padded to 77. */
export function wordIds(
  modelDir: string,
  folder: 'tokenizer' | 'tokenizer_2',
  prompt: string,
): BigInt64Array {
  const vocab = JSON.parse(readFileSync(join(modelDir, folder, 'vocab.json'), 'utf8')) as Record<
    string,
    number
  >;
  const pad = folder === 'tokenizer' ? vocab['<|endoftext|>'] : vocab['!'];
  const words = prompt.toLowerCase().match(/[a-z]+/g) ?? [];
  const ids = [
    vocab['<|startoftext|>'],
    ...words.map((w) => vocab[`${w}</w>`]),
    vocab['<|endoftext|>'],
  ];
  if (ids.some((id) => id === undefined)) {
    throw new Error(`A word of ${JSON.stringify(prompt)} is not in the demo vocabulary`);
  }
  const out = new BigInt64Array(77).fill(BigInt(pad));
  ids.slice(0, 77).forEach((id, i) => (out[i] = BigInt(id)));
  return out;
}

/** SDXL's σ for every training timestep, computed here independently of the generator. */
export function localSigmaTable(): Float64Array {
  const sigmas = new Float64Array(1000);
  let alphaBar = 1;
  for (let i = 0; i < 1000; i++) {
    const beta = (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999) ** 2;
    alphaBar *= 1 - beta;
    sigmas[i] = Math.sqrt((1 - alphaBar) / alphaBar);
  }
  return sigmas;
}

/** Box–Muller normals from a seeded mulberry32 (not torch's generator: only "some noise"). */
export function normals(count: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Float32Array.from(
    { length: count },
    () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

/** Options of {@link standInGenerate}. */
export interface StandInOptions {
  prompts: readonly string[];
  /** [3, H, W] in [0, 1], shared by every prompt. */
  control: Float32Array;
  height: number;
  width: number;
  steps: number;
  seed: number;
  /** > 1 runs CFG against zero negative embeddings (SDXL's force_zeros_for_empty_prompt). */
  guidance?: number;
  conditioningScale?: number;
  /** Decode after this many steps instead of all (to show the loop does the denoising). */
  stopAfter?: number;
}

/** Runs the stand-in loop; returns the decoded images [B, 3, H, W] in [-1, 1]. */
export async function standInGenerate(
  modelDir: string,
  s: DemoSessions,
  o: StandInOptions,
): Promise<Float32Array> {
  const B = o.prompts.length;
  const [h, w] = [o.height / 8, o.width / 8];
  const guidance = o.guidance ?? 1;
  const cfg = guidance > 1;
  const ids = (folder: 'tokenizer' | 'tokenizer_2') => {
    const all = new BigInt64Array(B * 77);
    o.prompts.forEach((p, b) => all.set(wordIds(modelDir, folder, p), b * 77));
    return new Tensor('int64', all, [B, 77]);
  };
  const enc1 = await s.text_encoder.run({ input_ids: ids('tokenizer') });
  const enc2 = await s.text_encoder_2.run({ input_ids: ids('tokenizer_2') });
  const [h1, h2] = [
    enc1['hidden_states.11'].data as Float32Array,
    enc2['hidden_states.31'].data as Float32Array,
  ];
  const states = new Float32Array(B * 77 * 2048);
  for (let row = 0; row < B * 77; row++) {
    states.set(h1.subarray(row * 768, (row + 1) * 768), row * 2048);
    states.set(h2.subarray(row * 1280, (row + 1) * 1280), row * 2048 + 768);
  }
  const pooled = enc2.text_embeds.data as Float32Array;

  // With CFG the batch is [negative (zeros); positive], as diffusers orders it.
  const N = cfg ? 2 * B : B;
  const withNegatives = (x: Float32Array) => {
    if (!cfg) return x;
    const out = new Float32Array(2 * x.length);
    out.set(x, x.length);
    return out;
  };
  const repeat = (x: Float32Array, times: number) => {
    const out = new Float32Array(x.length * times);
    for (let i = 0; i < times; i++) out.set(x, i * x.length);
    return out;
  };
  const feedsCommon = {
    encoder_hidden_states: f32(withNegatives(states), [N, 77, 2048]),
    text_embeds: f32(withNegatives(pooled), [N, 1280]),
    time_ids: f32(repeat(Float32Array.from([o.height, o.width, 0, 0, o.height, o.width]), N), [
      N,
      6,
    ]),
  };
  const cond = f32(repeat(o.control, N), [N, 3, o.height, o.width]);

  const table = localSigmaTable();
  const stride = Math.floor(1000 / o.steps);
  const timesteps = Array.from({ length: o.steps }, (_, i) => (o.steps - 1 - i) * stride + 1);
  const sigmas = [...timesteps.map((t) => table[t]), 0];
  const size = B * 4 * h * w;
  const initSigma = Math.sqrt(sigmas[0] ** 2 + 1);
  const latents = normals(size, o.seed).map((v) => v * initSigma);

  for (let i = 0; i < Math.min(o.steps, o.stopAfter ?? o.steps); i++) {
    const sigma = sigmas[i];
    const scaled = latents.map((v) => v / Math.sqrt(sigma * sigma + 1));
    const sample = f32(cfg ? repeat(scaled, 2) : scaled, [N, 4, h, w]);
    const timestep = f32(Float32Array.of(timesteps[i]), []);
    const control = await s.controlnet.run({
      sample,
      timestep,
      controlnet_cond: cond,
      ...feedsCommon,
    });
    const residuals: Record<string, Tensor> = {};
    for (let k = 0; k < 10; k++) {
      const from = k < 9 ? `down_block_res_sample_${k}` : 'mid_block_res_sample';
      const to = k < 9 ? `down_block_additional_residual_${k}` : 'mid_block_additional_residual';
      const [r, scale] = [control[from], o.conditioningScale ?? 1];
      residuals[to] =
        scale === 1
          ? r
          : f32(
              (r.data as Float32Array).map((v) => v * scale),
              r.dims,
            );
    }
    const out = await s.unet.run({ sample, timestep, ...feedsCommon, ...residuals });
    const eps = out.out_sample.data as Float32Array;
    for (let j = 0; j < size; j++) {
      const e = cfg ? eps[j] + guidance * (eps[size + j] - eps[j]) : eps[j];
      const x0 = latents[j] - sigma * e;
      latents[j] = x0 + ((latents[j] - x0) * sigmas[i + 1]) / sigma;
    }
  }
  const decoded = await s.vae_decoder.run({
    latent_sample: f32(
      latents.map((v) => v / 0.13025),
      [B, 4, h, w],
    ),
  });
  return decoded.sample.data as Float32Array;
}

/** A control image [3, H, W]: white 2-px lines of a house (walls and a roof) on black. */
export function houseEdges(height: number, width: number): Float32Array {
  const img = new Float32Array(3 * height * width);
  const plot = (x: number, y: number) => {
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const [px, py] = [Math.round(x) + dx, Math.round(y) + dy];
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        for (let c = 0; c < 3; c++) img[c * height * width + py * width + px] = 1;
      }
    }
  };
  const line = (x0: number, y0: number, x1: number, y1: number) => {
    const n = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
    for (let i = 0; i <= n; i++) plot(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n);
  };
  const [W, H] = [width, height];
  const [left, right, top, bottom, apex] = [
    0.25 * W,
    0.75 * W - 2,
    0.5 * H,
    0.875 * H - 2,
    0.2 * H,
  ];
  line(left, top, right, top);
  line(left, bottom, right, bottom);
  line(left, top, left, bottom);
  line(right, top, right, bottom);
  line(left, top, W / 2, apex);
  line(right, top, W / 2, apex);
  return img;
}
