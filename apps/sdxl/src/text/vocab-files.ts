/**
 * Parsing of a slow CLIP tokenizer's `vocab.json` and `merges.txt`, with errors that name the file,
 * the line and what was expected.
 */
import { describe, isObject, parseJson } from './json-text';

/** Token string → id, as `vocab.json` holds it. */
export type Vocab = Record<string, number>;

/** One BPE merge: the two symbols that become one, in rank order. */
export type Merge = readonly [string, string];

/**
 * How many merges CLIP uses. Its vocabulary is 256 byte symbols, the same 256 with `</w>`, one
 * token per merge and the two special tokens: 49408 = 512 + 48894 + 2. transformers'
 * `CLIPTokenizer` keeps only this many merges (`[1 : 49152 - 256 - 2 + 1]`), so later lines of a
 * longer merges.txt would be ranks the text encoders were never trained with.
 */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** Parses `vocab.json`: an object of token → non-negative integer id. */
export function parseVocab(text: string, file: string): Vocab {
  const parsed = parseJson(text, file);
  if (!isObject(parsed)) {
    throw new Error(`${file}: expected an object of token → id but found ${describe(parsed)}`);
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) {
    throw new Error(`${file}: expected a vocabulary of token → id but the object is empty`);
  }
  for (const [token, id] of entries) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) {
      throw new Error(
        `${file}: expected a non-negative integer id for token ${JSON.stringify(token)} but found ${describe(id)}`,
      );
    }
  }
  return parsed as Vocab;
}

/**
 * Parses `merges.txt` the way transformers' `CLIPTokenizer` reads it: the first line is the
 * `#version` header, every other line two symbols separated by a space, at most
 * {@link CLIP_MERGE_COUNT} of them.
 */
export function parseMerges(text: string, file: string): Merge[] {
  const lines = text.trim().split('\n');
  // transformers drops the first line whatever it holds; a file without the header would silently
  // lose its first merge there, so a missing header is reported instead of guessed around.
  if (!lines[0]?.startsWith('#version')) {
    throw new Error(
      `${file} line 1: expected the "#version: 0.2" header that starts CLIP's merges.txt but found ${JSON.stringify(lines[0] ?? '')}`,
    );
  }
  const merges: Merge[] = [];
  for (let index = 1; index < lines.length && merges.length < CLIP_MERGE_COUNT; index++) {
    const symbols = lines[index]!.trim().split(/\s+/).filter(Boolean);
    if (symbols.length !== 2) {
      throw new Error(
        `${file} line ${index + 1}: expected two symbols separated by a space but found ${JSON.stringify(lines[index])}`,
      );
    }
    merges.push([symbols[0]!, symbols[1]!]);
  }
  return merges;
}
