/**
 * The added tokens of a CLIP tokenizer: the strings matched in a prompt before normalization and
 * BPE and mapped straight to one id, as transformers registers them when it loads a tokenizer.
 */
import { describe, isObject, type JsonFile } from './json-text';
import {
  parseTokenSpec,
  SPECIAL_ROLES,
  type AddedTokenSpec,
  type NamedToken,
  type SpecialTokens,
} from './special-tokens';
import type { Vocab } from './vocab-files';

/** What {@link collectAddedTokens} combines. */
export interface AddedTokenSources {
  /** Added tokens the tokenizer definition already has (tokenizer.json's `added_tokens`). */
  existing: readonly AddedTokenSpec[];
  /** tokenizer_config.json, whose `added_tokens_decoder` lists added tokens with their ids. */
  tokenizerConfig: JsonFile | undefined;
  special: SpecialTokens;
  vocab: Vocab;
  /** The vocabulary's file, for errors about tokens missing from it. */
  vocabFile: string;
}

/**
 * Lists every added token with its id: the definition's own, then tokenizer_config.json's
 * `added_tokens_decoder`, then each special token not listed yet, with its id from the vocabulary.
 *
 * Every special token becomes an added token, as in transformers. That is why SDXL's tokenizer_2,
 * whose pad token is `!`, encodes each `!` of a prompt as id 0 instead of BPE-merging it
 * (diffusers issue 4153: `"! !! !!!"` → 49406, 0 ×6, 49407).
 */
export function collectAddedTokens(sources: AddedTokenSources): AddedTokenSpec[] {
  const byContent = new Map<string, AddedTokenSpec>();
  const add = (token: AddedTokenSpec): void => {
    if (!byContent.has(token.content)) byContent.set(token.content, token);
  };
  sources.existing.forEach(add);
  if (sources.tokenizerConfig) readAddedTokensDecoder(sources.tokenizerConfig).forEach(add);

  const named: [string, NamedToken][] = [
    ...SPECIAL_ROLES.map((role): [string, NamedToken] => [role, sources.special.roles[role]]),
    ...sources.special.additional.map((token): [string, NamedToken] => [
      'additional special token',
      token,
    ]),
  ];
  for (const [role, { token, from }] of named) {
    const listed = byContent.get(token.content);
    if (listed) {
      byContent.set(token.content, { ...listed, special: true });
      continue;
    }
    if (!Object.hasOwn(sources.vocab, token.content)) {
      throw new Error(
        `${role} ${JSON.stringify(token.content)} (from ${from}) is not in ${sources.vocabFile}; ` +
          'expected a token of the vocabulary, since the text encoders have no embedding for any other id',
      );
    }
    add({ ...token, id: sources.vocab[token.content]! });
  }
  return [...byContent.values()];
}

/** The id of an added token by its content; every special token is one after {@link collectAddedTokens}. */
export function addedTokenId(tokens: readonly AddedTokenSpec[], content: string): number {
  const token = tokens.find((candidate) => candidate.content === content);
  if (!token) throw new Error(`${JSON.stringify(content)} is not among the added tokens`);
  return token.id;
}

/** Reads tokenizer_config.json's `added_tokens_decoder`: `{ "<id>": { "content": …, flags } }`. */
function readAddedTokensDecoder({ file, json }: JsonFile): AddedTokenSpec[] {
  const decoder = json['added_tokens_decoder'];
  if (decoder === undefined) return [];
  if (!isObject(decoder)) {
    throw new Error(
      `${file} added_tokens_decoder: expected an object of id → token but found ${describe(decoder)}`,
    );
  }
  return Object.entries(decoder).map(([key, value]) => {
    const where = `${file} added_tokens_decoder[${JSON.stringify(key)}]`;
    if (!/^\d+$/.test(key))
      throw new Error(`${where}: expected a non-negative integer id as the key`);
    return { id: Number(key), ...parseTokenSpec(value, where, false) };
  });
}
