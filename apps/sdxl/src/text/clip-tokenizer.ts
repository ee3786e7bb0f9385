/**
 * A CLIP tokenizer that encodes prompts as diffusers does for SDXL's text encoders:
 * `tokenizer(prompt, padding="max_length", max_length=77, truncation=True)`.
 */
import type { TextTokenizer } from './tokenizers-library';

/**
 * Ids per prompt. The text encoders' position embeddings hold 77 positions, and SDXL's
 * tokenizer_config.json files set `model_max_length` to the same.
 */
export const CLIP_SEQUENCE_LENGTH = 77;

/** The ids {@link ClipTokenizer} wraps and pads with. */
export interface ClipTokenIds {
  bos: number;
  eos: number;
  /** `<|endoftext|>` (49407) for SDXL's tokenizer, `!` (0) for its tokenizer_2. */
  pad: number;
}

/**
 * Encodes prompts to `input_ids` for a CLIP text encoder: BOS, at most 75 content tokens, EOS,
 * then the pad token up to 77 ids, as int64.
 *
 * @example
 * const tokenizer = await loadClipTokenizer('model/tokenizer_2');
 * const ids = tokenizer.encodeBatch([negativePrompt, prompt]); // [2 × 77], classifier-free guidance order
 * new ort.Tensor('int64', ids, [2, CLIP_SEQUENCE_LENGTH]);
 */
export class ClipTokenizer {
  /** Ids per prompt, {@link CLIP_SEQUENCE_LENGTH}. */
  readonly sequenceLength = CLIP_SEQUENCE_LENGTH;

  /**
   * @param tokenizer A tokenizer whose post-processor wraps each prompt as BOS … EOS.
   * @param ids The BOS, EOS and pad ids.
   * @param source Where the tokenizer came from (its folder), for error messages.
   */
  constructor(
    private readonly tokenizer: TextTokenizer,
    readonly ids: Readonly<ClipTokenIds>,
    readonly source: string,
  ) {
    // Truncation below keeps the first and the last id, which is right only for BOS … EOS.
    const empty = tokenizer.encode('').ids;
    if (empty.length !== 2 || empty[0] !== ids.bos || empty[1] !== ids.eos) {
      throw new Error(
        `${source}: expected the tokenizer to wrap a prompt as BOS ${ids.bos} … EOS ${ids.eos} ` +
          `but the empty prompt encodes to [${empty.join(', ')}]`,
      );
    }
  }

  /** Encodes one prompt to {@link CLIP_SEQUENCE_LENGTH} int64 ids: BOS, ≤ 75 tokens, EOS, padding. */
  encode(prompt: string): BigInt64Array {
    const output = new BigInt64Array(this.sequenceLength);
    this.encodeInto(prompt, output);
    return output;
  }

  /**
   * Encodes prompts into one `[prompts.length, 77]` array, row after row; pass
   * `[negativePrompt, prompt]` for the `[negative; positive]` batch of classifier-free guidance.
   */
  encodeBatch(prompts: readonly string[]): BigInt64Array {
    const output = new BigInt64Array(prompts.length * this.sequenceLength);
    prompts.forEach((prompt, row) => {
      this.encodeInto(
        prompt,
        output.subarray(row * this.sequenceLength, (row + 1) * this.sequenceLength),
      );
    });
    return output;
  }

  /**
   * How many tokens the prompt has between BOS and EOS before truncation; more than
   * `sequenceLength − 2` means {@link encode} drops the rest (diffusers logs a warning then).
   */
  countTokens(prompt: string): number {
    return this.tokenizer.encode(checkPrompt(prompt), { add_special_tokens: false }).ids.length;
  }

  private encodeInto(prompt: string, row: BigInt64Array): void {
    const ids = this.tokenizer.encode(checkPrompt(prompt)).ids;
    // transformers truncates the content to max_length − 2 and then adds BOS and EOS: the same as
    // keeping the first 76 ids and the EOS.
    const kept =
      ids.length > this.sequenceLength
        ? [...ids.slice(0, this.sequenceLength - 1), this.ids.eos]
        : ids;
    row.fill(BigInt(this.ids.pad));
    kept.forEach((id, index) => {
      // @huggingface/tokenizers gives no id to a token outside the vocabulary when there is no
      // unk_token; CLIP's vocabulary holds every byte symbol, so only a broken one gets here.
      if (!Number.isSafeInteger(id)) {
        throw new Error(
          `${this.source}: ${JSON.stringify(prompt)} has a token without an id; expected a vocabulary ` +
            'with every byte symbol, or an unk_token',
        );
      }
      row[index] = BigInt(id);
    });
  }
}

function checkPrompt(prompt: unknown): string {
  if (typeof prompt !== 'string') {
    throw new TypeError(
      `Expected a string for prompt but received ${prompt === null ? 'null' : typeof prompt}`,
    );
  }
  return prompt;
}
