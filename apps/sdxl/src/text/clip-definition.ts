/**
 * The tokenizer definition that transformers' `CLIPConverter` builds from a slow CLIP tokenizer
 * (vocab.json + merges.txt), written in tokenizer.json's shape for @huggingface/tokenizers.
 */
import type { AddedTokenSpec } from './special-tokens';
import type { Merge, Vocab } from './vocab-files';

/** A tokenizer definition in tokenizer.json's shape, as far as this app builds or reads one. */
export interface TokenizerDefinition {
  model: { type?: unknown; vocab?: unknown; [key: string]: unknown };
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  added_tokens: AddedTokenSpec[];
  [key: string]: unknown;
}

/** CLIP's word split: contractions, letter runs, single digits, runs of anything else but spaces. */
export const CLIP_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`;

/** A token with its id, as a post-processor names it. */
export type TokenWithId = readonly [content: string, id: number];

/** What {@link clipTokenizerDefinition} is built from. */
export interface ClipDefinitionInput {
  vocab: Vocab;
  merges: readonly Merge[];
  /** Every added token with its id (see `collectAddedTokens`). */
  addedTokens: AddedTokenSpec[];
  bos: TokenWithId;
  eos: TokenWithId;
  unk: string;
}

/**
 * Builds CLIPConverter's tokenizer: NFC, whitespace runs to one space, lowercase; split on
 * {@link CLIP_SPLIT_PATTERN}, then bytes to CLIP's byte symbols; BPE with `</w>` closing each word;
 * BOS … EOS around the result.
 *
 * @example
 * const tokenizer = new Tokenizer(clipTokenizerDefinition({ vocab, merges, addedTokens, bos, eos, unk }), {});
 * tokenizer.encode('A photo of a cat').ids; // [49406, 320, 1125, 539, 320, 2368, 49407] with CLIP's files
 */
export function clipTokenizerDefinition(input: ClipDefinitionInput): TokenizerDefinition {
  return {
    version: '1.0',
    added_tokens: input.addedTokens,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: String.raw`\s+` }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        // Inverted: the pattern's matches are the words; what lies between them (spaces) is removed.
        {
          type: 'Split',
          pattern: { Regex: CLIP_SPLIT_PATTERN },
          behavior: 'Removed',
          invert: true,
        },
        // CLIPConverter keeps ByteLevel's own GPT-2 split on (use_regex); CLIP's words are already
        // whole pieces of that split, so it only maps each UTF-8 byte to its symbol.
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [...input.eos],
      cls: [...input.bos],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: input.unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: input.vocab,
      merges: input.merges.map(([left, right]) => [left, right]),
    },
  };
}
