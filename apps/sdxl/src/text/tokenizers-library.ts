/**
 * The one place that imports @huggingface/tokenizers. Its shipped .d.ts files import each other
 * without file extensions, which TypeScript's `nodenext` resolution does not follow, so every name
 * would arrive as `any`; the part this app uses is typed here instead.
 */
import * as tokenizers from '@huggingface/tokenizers';
import type { TokenizerDefinition } from './clip-definition';

/** The part of @huggingface/tokenizers' `Tokenizer` this app uses. */
export interface TextTokenizer {
  /** Normalizes, splits, applies the model and (unless told not to) the post-processor. */
  encode(
    text: string,
    options?: { add_special_tokens?: boolean },
  ): { ids: number[]; tokens: string[] };
}

type TokenizerClass = new (definition: TokenizerDefinition, settings: object) => TextTokenizer;

/** Builds a tokenizer from a definition in tokenizer.json's shape. */
export function createTokenizer(definition: TokenizerDefinition): TextTokenizer {
  const { Tokenizer } = tokenizers as { Tokenizer: TokenizerClass };
  // The settings (tokenizer_config.json) stay empty: the definition holds everything that shapes
  // encoding, and keys such as `remove_space` would change it inside @huggingface/tokenizers.
  return new Tokenizer(definition, {});
}
