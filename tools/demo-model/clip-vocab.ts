/**
 * A small CLIP-style BPE vocabulary, laid out the way openai/clip-vit-large-patch14's is: the 256
 * byte-level characters (GPT-2's bytes_to_unicode order, so `!` is id 0), the same with `</w>`,
 * then one token per merge in merge order, then `<|startoftext|>` and `<|endoftext|>` last.
 * Merges are chosen so that every listed word encodes to the single token `word</w>`.
 */

/** GPT-2/CLIP's byte → printable character table, in CLIP's vocabulary order. */
export function bytesToUnicode(): Array<[byte: number, char: string]> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: Array<[number, string]> = printable.map((b) => [b, String.fromCodePoint(b)]);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) continue;
    table.push([b, String.fromCodePoint(256 + extra)]);
    extra += 1;
  }
  return table;
}

/** CLIP's BPE on one pre-tokenized word (already byte-mapped), given merge ranks. */
export function bpe(word: string, ranks: ReadonlyMap<string, number>): string[] {
  const chars = Array.from(word);
  let parts = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return parts;
    const [left, right] = [parts[best], parts[best + 1]];
    const merged: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (i + 1 < parts.length && parts[i] === left && parts[i + 1] === right) {
        merged.push(left + right);
        i += 1;
      } else merged.push(parts[i]);
    }
    parts = merged;
  }
}

/** The files' contents: `vocab.json` as an object, `merges.txt` as its lines. */
export interface ClipVocab {
  vocab: Record<string, number>;
  merges: string[];
}

/**
 * Builds the vocabulary for `words` (lowercase letters). Each new merge is appended last, so it
 * never changes how an earlier word encodes: that word's merges all rank before it.
 */
export function buildClipVocab(words: readonly string[]): ClipVocab {
  const bytes = bytesToUnicode().map(([, char]) => char);
  const tokens = [...bytes, ...bytes.map((c) => `${c}</w>`)];
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  for (const word of words) {
    if (!/^[a-z]+$/.test(word)) {
      throw new RangeError(
        `Expected lowercase letters for a vocabulary word but received ${JSON.stringify(word)}`,
      );
    }
    for (let parts = bpe(word, ranks); parts.length > 1; parts = bpe(word, ranks)) {
      const merge = `${parts[0]} ${parts[1]}`;
      ranks.set(merge, merges.length);
      merges.push(merge);
      tokens.push(parts[0] + parts[1]);
    }
  }
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    if (token in vocab) throw new Error(`Duplicate vocabulary token ${token}`);
    vocab[token] = id;
  });
  return { vocab, merges };
}

/** `merges.txt` as the slow CLIP tokenizer reads it: a version line, then one merge a line. */
export function mergesText(merges: readonly string[]): string {
  return ['#version: 0.2', ...merges].join('\n') + '\n';
}

/** `special_tokens_map.json` and `tokenizer_config.json` for a CLIP tokenizer padding with `pad`. */
export function tokenizerConfigs(pad: string): {
  specialTokensMap: object;
  tokenizerConfig: object;
} {
  const token = (content: string) => ({
    content,
    lstrip: false,
    normalized: true,
    rstrip: false,
    single_word: false,
  });
  return {
    specialTokensMap: {
      bos_token: token('<|startoftext|>'),
      eos_token: token('<|endoftext|>'),
      pad_token: pad,
      unk_token: token('<|endoftext|>'),
    },
    tokenizerConfig: {
      add_prefix_space: false,
      bos_token: '<|startoftext|>',
      clean_up_tokenization_spaces: true,
      do_lower_case: true,
      eos_token: '<|endoftext|>',
      errors: 'replace',
      model_max_length: 77,
      pad_token: pad,
      tokenizer_class: 'CLIPTokenizer',
      unk_token: '<|endoftext|>',
    },
  };
}
