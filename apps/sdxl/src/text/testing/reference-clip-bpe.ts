/**
 * TEST ONLY: a minimal reference of CLIP's tokenizer, written from transformers' slow
 * `CLIPTokenizer` (tokenization_clip.py: `bytes_to_unicode`, `bpe`, `_tokenize`) without
 * @huggingface/tokenizers, to cross-check the tokenizer the app builds. Clear rather than fast.
 * Left out on purpose: ftfy's text repairs and added-token matching (prompts under test hold no
 * special-token strings).
 */

/** CLIP's byte symbols: index = byte value, value = the printable character standing for it. */
export const BYTE_TO_SYMBOL: readonly string[] = byteSymbols();

/** The 256 byte symbols in the order CLIP's vocab.json gives them ids 0…255. */
export const BYTE_SYMBOLS_IN_VOCAB_ORDER: readonly string[] = byteSymbolOrder().map(
  (byte) => BYTE_TO_SYMBOL[byte]!,
);

// Printable Latin-1 bytes stand for themselves and take the first ids; the others (controls,
// space, …) stand for the characters from 256 on, in byte order, and take the ids after them.
function isPrintable(byte: number): boolean {
  return (
    (byte >= 0x21 && byte <= 0x7e) ||
    (byte >= 0xa1 && byte <= 0xac) ||
    (byte >= 0xae && byte <= 0xff)
  );
}

function byteSymbolOrder(): number[] {
  const bytes = [...Array(256).keys()];
  return [...bytes.filter(isPrintable), ...bytes.filter((byte) => !isPrintable(byte))];
}

function byteSymbols(): string[] {
  const symbols: string[] = [];
  let shifted = 0;
  for (const byte of byteSymbolOrder()) {
    symbols[byte] = String.fromCodePoint(isPrintable(byte) ? byte : 256 + shifted++);
  }
  return symbols;
}

/** CLIP's word split, written for JavaScript's RegExp from tokenization_clip.py's pattern. */
export const REFERENCE_WORD_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/gu;

/** The ids the reference wraps and pads with. */
export interface ReferenceIds {
  bos: number;
  eos: number;
  pad: number;
  unk: number;
}

/** CLIP's BPE as the slow tokenizer runs it, for comparison in tests. */
export class ReferenceClipBpe {
  private readonly ranks = new Map<string, number>();

  constructor(
    private readonly vocab: Record<string, number>,
    mergesText: string,
    private readonly ids: ReferenceIds,
  ) {
    const lines = mergesText
      .trim()
      .split('\n')
      .slice(1, 1 + 48894);
    lines.forEach((line, rank) => {
      const [left, right] = line.trim().split(/\s+/);
      this.ranks.set(`${left} ${right}`, rank);
    });
  }

  /** whitespace_clean(NFC(text)).lower(), then CLIP's regex, bytes to symbols, BPE. */
  tokenize(text: string): string[] {
    const cleaned = text
      .normalize('NFC')
      .replace(/\p{White_Space}+/gu, ' ')
      .trim()
      .toLowerCase();
    const words = cleaned.match(REFERENCE_WORD_PATTERN) ?? [];
    return words.flatMap((word) => {
      const symbols = [...new TextEncoder().encode(word)].map((byte) => BYTE_TO_SYMBOL[byte]!);
      return this.bpe(symbols);
    });
  }

  /** `tokenizer(text, padding="max_length", max_length=length, truncation=True).input_ids`. */
  encode(text: string, length = 77): number[] {
    const content = this.tokenize(text)
      .map((token) => this.vocab[token] ?? this.ids.unk)
      .slice(0, length - 2);
    const ids = [this.ids.bos, ...content, this.ids.eos];
    return [...ids, ...Array<number>(length - ids.length).fill(this.ids.pad)];
  }

  // The slow tokenizer's loop: merge every occurrence of the lowest-ranked pair, until none ranks.
  private bpe(symbols: string[]): string[] {
    let word = [...symbols.slice(0, -1), symbols[symbols.length - 1] + '</w>'];
    for (;;) {
      let best: string | undefined;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank)
          [best, bestRank] = [`${word[i]} ${word[i + 1]}`, rank];
      }
      if (best === undefined) return word;
      const [first, second] = best.split(' ');
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (word[i] === first && word[i + 1] === second && i + 1 < word.length) {
          merged.push(first! + second!);
          i++;
        } else {
          merged.push(word[i]!);
        }
      }
      word = merged;
    }
  }
}
