/**
 * TEST ONLY: CLIP tokenizer folders in the real format (byte symbols, `</w>` word ends, the
 * `#version` header, special tokens at 49406 and 49407) with vocabularies small enough to build in
 * a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BYTE_SYMBOLS_IN_VOCAB_ORDER, BYTE_TO_SYMBOL } from './reference-clip-bpe';

/** CLIP's `<|startoftext|>`. */
export const BOS_ID = 49406;
/** CLIP's `<|endoftext|>`. */
export const EOS_ID = 49407;

/**
 * Real ids of CLIP's vocab.json (shared by SDXL's two tokenizer folders) for the words of
 * published encodings: "a photo of a cat" → 49406 320 1125 539 320 2368 49407,
 * "Hello, world!" → 49406 3306 267 1002 256 49407, and open_clip's "! !! !!!" → 49406 256 748 995
 * 49407 (diffusers issue 4153). Single byte symbols need no entry: their ids follow from the
 * byte order (`a</w>` 320, `,</w>` 267, `!</w>` 256).
 */
export const REAL_CLIP_IDS: Readonly<Record<string, number>> = {
  'photo</w>': 1125,
  'of</w>': 539,
  'cat</w>': 2368,
  'dog</w>': 1929,
  'hello</w>': 3306,
  'world</w>': 1002,
  '!!</w>': 748,
  '!!!</w>': 995,
};

/**
 * Words the test vocabulary holds whole, each joined left to right; their order is merge rank.
 * `!!!` comes before `!!` so that `! !` outranks `! !</w>` and both come out as one token (a test
 * checks that every word does).
 */
export const FIXTURE_WORDS: readonly string[] = [
  '!!!',
  '!!',
  'photo',
  'of',
  'cat',
  'dog',
  'hello',
  'world',
  'the',
  'astronaut',
  'riding',
  'horse',
  'on',
  'mars',
  'red',
  'car',
  "'s",
  'in',
  'style',
  'van',
  'gogh',
  'café',
  'über',
];

/** vocab.json and merges.txt contents. */
export interface ClipVocabulary {
  vocab: Record<string, number>;
  /** merges.txt, with its `#version` header. */
  merges: string;
}

/**
 * Builds a CLIP-format vocabulary: byte symbols (ids 0…255), the same with `</w>` (256…511), the
 * merges that join each word left to right into one `word</w>` token, and the special tokens.
 * Merged tokens take their {@link REAL_CLIP_IDS} id where there is one, else ids from 40000 up.
 */
export function clipVocabulary(words: readonly string[] = FIXTURE_WORDS): ClipVocabulary {
  const vocab = byteLevelVocab();
  const merges: string[] = [];
  let nextId = 40000;
  for (const word of words) {
    const symbols = [...new TextEncoder().encode(word)].map((byte) => BYTE_TO_SYMBOL[byte]!);
    symbols[symbols.length - 1] += '</w>';
    let joined = symbols[0]!;
    for (const symbol of symbols.slice(1)) {
      const merge = `${joined} ${symbol}`;
      joined += symbol;
      if (merges.includes(merge)) continue;
      merges.push(merge);
      vocab[joined] ??= REAL_CLIP_IDS[joined] ?? nextId++;
    }
  }
  return finishVocabulary(vocab, merges);
}

/** CLIP's first 512 tokens: the byte symbols (ids 0…255) and the same with `</w>` (256…511). */
export function byteLevelVocab(): Record<string, number> {
  const vocab: Record<string, number> = {};
  BYTE_SYMBOLS_IN_VOCAB_ORDER.forEach((symbol, id) => {
    vocab[symbol] = id;
    vocab[symbol + '</w>'] = 256 + id;
  });
  return vocab;
}

/** Adds the special tokens and writes merges.txt with its header. */
export function finishVocabulary(
  vocab: Record<string, number>,
  merges: readonly string[],
): ClipVocabulary {
  vocab['<|startoftext|>'] = BOS_ID;
  vocab['<|endoftext|>'] = EOS_ID;
  return { vocab, merges: ['#version: 0.2', ...merges].join('\n') + '\n' };
}

/** Settings files as SDXL base 1.0's `tokenizer/` (CLIP-L) has them: pads with `<|endoftext|>`. */
export const SDXL_TOKENIZER_SETTINGS = {
  'special_tokens_map.json': {
    bos_token: {
      content: '<|startoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
    eos_token: {
      content: '<|endoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
    pad_token: '<|endoftext|>',
    unk_token: {
      content: '<|endoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
  },
  'tokenizer_config.json': {
    add_prefix_space: false,
    bos_token: {
      __type: 'AddedToken',
      content: '<|startoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: {
      __type: 'AddedToken',
      content: '<|endoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
    errors: 'replace',
    model_max_length: 77,
    pad_token: '<|endoftext|>',
    tokenizer_class: 'CLIPTokenizer',
    unk_token: {
      __type: 'AddedToken',
      content: '<|endoftext|>',
      lstrip: false,
      normalized: true,
      rstrip: false,
      single_word: false,
    },
  },
};

/**
 * Settings files as SDXL base 1.0's `tokenizer_2/` (OpenCLIP bigG) has them in recent exports:
 * pads with `!` (id 0), which `added_tokens_decoder` lists as a special token.
 */
export const SDXL_TOKENIZER_2_SETTINGS = {
  'special_tokens_map.json': {
    ...SDXL_TOKENIZER_SETTINGS['special_tokens_map.json'],
    pad_token: {
      content: '!',
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
    },
  },
  'tokenizer_config.json': {
    add_prefix_space: false,
    added_tokens_decoder: {
      '0': {
        content: '!',
        lstrip: false,
        normalized: false,
        rstrip: false,
        single_word: false,
        special: true,
      },
      '49406': {
        content: '<|startoftext|>',
        lstrip: false,
        normalized: true,
        rstrip: false,
        single_word: false,
        special: true,
      },
      '49407': {
        content: '<|endoftext|>',
        lstrip: false,
        normalized: false,
        rstrip: false,
        single_word: false,
        special: true,
      },
    },
    bos_token: '<|startoftext|>',
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: '<|endoftext|>',
    errors: 'replace',
    model_max_length: 77,
    pad_token: '!',
    tokenizer_class: 'CLIPTokenizer',
    unk_token: '<|endoftext|>',
  },
};

/** Writes a folder of files: strings as they are, anything else as JSON. Returns its path. */
export async function writeFolder(
  parent: string,
  name: string,
  files: Readonly<Record<string, unknown>>,
): Promise<string> {
  const folder = join(parent, name);
  await mkdir(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(
      join(folder, file),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
  return folder;
}

/** Writes a tokenizer folder with a vocabulary (the fixture words by default) and settings files. */
export async function writeClipFolder(
  parent: string,
  name: string,
  settings: Readonly<Record<string, unknown>> = SDXL_TOKENIZER_SETTINGS,
  { vocab, merges }: ClipVocabulary = clipVocabulary(),
): Promise<string> {
  return writeFolder(parent, name, { 'vocab.json': vocab, 'merges.txt': merges, ...settings });
}
