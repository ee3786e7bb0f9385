import { PENULTIMATE_HIDDEN_STATE } from '../models/layout';
import type { PipelineModels, PromptTokenizer } from './ports';

/** Token positions of a CLIP prompt. */
export const SEQUENCE_LENGTH = 77;
/** Width of text_encoder's penultimate hidden state (CLIP-L). */
const WIDTH_1 = 768;
/** Width of text_encoder_2's penultimate hidden state and of its pooled embedding (OpenCLIP bigG). */
const WIDTH_2 = 1280;
/** Width of the UNet's text conditioning: both encoders' penultimate states side by side. */
export const EMBEDDING_WIDTH = WIDTH_1 + WIDTH_2;
export const POOLED_WIDTH = WIDTH_2;

/** Text conditioning for a batch of prompts: `[B, 77, 2048]` and the pooled `[B, 1280]`. */
export interface PromptEmbeddings {
  batch: number;
  hidden: Float32Array;
  pooled: Float32Array;
}

/**
 * Encodes prompts as diffusers' SDXL pipelines do: each prompt through both tokenizers and text
 * encoders, the penultimate hidden states (`hidden_states.11`, `hidden_states.31`) concatenated to
 * 2048 wide, the pooled embedding from encoder 2 (`text_embeds`). An `undefined` prompt (no
 * negative prompt: `force_zeros_for_empty_prompt`) gives zeros, without running the encoders.
 * The encoders run once, on every defined prompt as one batch.
 */
export async function encodePrompts(
  prompts: ReadonlyArray<string | undefined>,
  tokenizers: readonly [PromptTokenizer, PromptTokenizer],
  models: Pick<PipelineModels, 'textEncoder' | 'textEncoder2'>,
): Promise<PromptEmbeddings> {
  const batch = prompts.length;
  const hidden = new Float32Array(batch * SEQUENCE_LENGTH * EMBEDDING_WIDTH);
  const pooled = new Float32Array(batch * POOLED_WIDTH);
  const encoded = prompts.flatMap((prompt, index) => (prompt === undefined ? [] : [{ prompt, index }]));
  if (encoded.length === 0) return { batch, hidden, pooled };

  const n = encoded.length;
  const ids = (tokenizer: PromptTokenizer) => {
    const out = new BigInt64Array(n * SEQUENCE_LENGTH);
    encoded.forEach(({ prompt }, row) => out.set(tokenizer.encode(prompt), row * SEQUENCE_LENGTH));
    return out;
  };
  const dims = [n, SEQUENCE_LENGTH];
  const states1 = { data: new Float32Array(n * SEQUENCE_LENGTH * WIDTH_1), dims: [n, SEQUENCE_LENGTH, WIDTH_1] };
  const states2 = { data: new Float32Array(n * SEQUENCE_LENGTH * WIDTH_2), dims: [n, SEQUENCE_LENGTH, WIDTH_2] };
  const textEmbeds = { data: new Float32Array(n * WIDTH_2), dims: [n, WIDTH_2] };
  await models.textEncoder.run({ input_ids: { data: ids(tokenizers[0]), dims } }, { [PENULTIMATE_HIDDEN_STATE.text_encoder]: states1 });
  await models.textEncoder2.run({ input_ids: { data: ids(tokenizers[1]), dims } }, { [PENULTIMATE_HIDDEN_STATE.text_encoder_2]: states2, text_embeds: textEmbeds });

  encoded.forEach(({ index }, row) => {
    for (let token = 0; token < SEQUENCE_LENGTH; token++) {
      const at = (index * SEQUENCE_LENGTH + token) * EMBEDDING_WIDTH;
      const from = row * SEQUENCE_LENGTH + token;
      hidden.set(states1.data.subarray(from * WIDTH_1, (from + 1) * WIDTH_1), at);
      hidden.set(states2.data.subarray(from * WIDTH_2, (from + 1) * WIDTH_2), at + WIDTH_1);
    }
    pooled.set(textEmbeds.data.subarray(row * WIDTH_2, (row + 1) * WIDTH_2), index * POOLED_WIDTH);
  });
  return { batch, hidden, pooled };
}
