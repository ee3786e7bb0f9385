/**
 * Loads a CLIP tokenizer folder of an optimum SDXL export (`tokenizer/`, `tokenizer_2/`): the slow
 * tokenizer's vocab.json + merges.txt, or tokenizer.json when the folder has one.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { addedTokenId, collectAddedTokens } from './added-tokens';
import { clipTokenizerDefinition, type TokenizerDefinition } from './clip-definition';
import { ClipTokenizer } from './clip-tokenizer';
import { describe, isObject, parseJsonObject, type JsonFile } from './json-text';
import { resolveSpecialTokens, type SpecialRole, type SpecialTokens } from './special-tokens';
import { createTokenizer, type TextTokenizer } from './tokenizers-library';
import { parseMerges, parseVocab, type Vocab } from './vocab-files';

/**
 * Reads a tokenizer folder and returns its {@link ClipTokenizer}. Special tokens come from
 * special_tokens_map.json, then tokenizer_config.json, then CLIPTokenizer's defaults; the
 * tokenizer itself from tokenizer.json if present, else from vocab.json + merges.txt as
 * transformers' CLIPConverter builds it.
 *
 * @example
 * const tokenizer2 = await loadClipTokenizer(join(modelDir, 'tokenizer_2')); // pads with "!" (id 0)
 */
export async function loadClipTokenizer(folder: string): Promise<ClipTokenizer> {
  await checkFolder(folder);
  const file = (name: string): string => join(folder, name);
  const specialTokensMap = await readOptionalJsonObject(file('special_tokens_map.json'));
  const tokenizerConfig = await readOptionalJsonObject(file('tokenizer_config.json'));
  const special = resolveSpecialTokens(
    [specialTokensMap, tokenizerConfig].filter((f) => f !== undefined),
  );

  const tokenizerJson = await readOptionalText(file('tokenizer.json'));
  const loaded =
    tokenizerJson === undefined
      ? await fromSlowFiles(folder, special, tokenizerConfig)
      : fromTokenizerJson(tokenizerJson, file('tokenizer.json'), special, tokenizerConfig);

  let tokenizer: TextTokenizer;
  try {
    tokenizer = createTokenizer(loaded.definition);
  } catch (cause) {
    const message = `${loaded.source}: @huggingface/tokenizers cannot build a tokenizer from it`;
    throw new Error(`${message} (${(cause as Error).message})`, { cause });
  }
  const idOf = (role: SpecialRole): number =>
    addedTokenId(loaded.definition.added_tokens, special.roles[role].token.content);
  return new ClipTokenizer(
    tokenizer,
    { bos: idOf('bos_token'), eos: idOf('eos_token'), pad: idOf('pad_token') },
    folder,
  );
}

interface LoadedDefinition {
  definition: TokenizerDefinition;
  /** The file(s) the definition came from, for errors. */
  source: string;
}

async function fromSlowFiles(
  folder: string,
  special: SpecialTokens,
  tokenizerConfig: JsonFile | undefined,
): Promise<LoadedDefinition> {
  const vocabFile = join(folder, 'vocab.json');
  const mergesFile = join(folder, 'merges.txt');
  const vocab = parseVocab(await readRequiredText(vocabFile), vocabFile);
  const merges = parseMerges(await readRequiredText(mergesFile), mergesFile);
  const addedTokens = collectAddedTokens({
    existing: [],
    tokenizerConfig,
    special,
    vocab,
    vocabFile,
  });
  const withId = (role: SpecialRole): [string, number] => {
    const content = special.roles[role].token.content;
    return [content, addedTokenId(addedTokens, content)];
  };
  const definition = clipTokenizerDefinition({
    vocab,
    merges,
    addedTokens,
    bos: withId('bos_token'),
    eos: withId('eos_token'),
    unk: special.roles.unk_token.token.content,
  });
  return { definition, source: `${vocabFile} + ${mergesFile}` };
}

function fromTokenizerJson(
  text: string,
  file: string,
  special: SpecialTokens,
  tokenizerConfig: JsonFile | undefined,
): LoadedDefinition {
  const { json } = parseJsonObject(text, file);
  if (!isObject(json['model']) || !isObject(json['model']['vocab'])) {
    throw new Error(
      `${file}: expected a "model" object with a "vocab" object but found ${describe(json['model'])}`,
    );
  }
  const existing = json['added_tokens'] ?? [];
  if (!Array.isArray(existing)) {
    throw new Error(
      `${file}: expected "added_tokens" to be an array but found ${describe(existing)}`,
    );
  }
  // tokenizer.json files written by transformers already list the special tokens; ones that do
  // not get them here, as transformers would add them on load.
  const addedTokens = collectAddedTokens({
    existing,
    tokenizerConfig,
    special,
    vocab: json['model']['vocab'] as Vocab,
    vocabFile: file,
  });
  return {
    definition: { ...(json as TokenizerDefinition), added_tokens: addedTokens },
    source: file,
  };
}

async function checkFolder(folder: string): Promise<void> {
  const found = await stat(folder).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new Error(
      `${folder}: expected a CLIP tokenizer folder (vocab.json + merges.txt, or tokenizer.json) but ` +
        (found ? 'it is not a folder' : 'it does not exist'),
    );
  }
}

async function readRequiredText(file: string): Promise<string> {
  const text = await readOptionalText(file);
  if (text === undefined) {
    throw new Error(
      `${file}: not found; a CLIP tokenizer folder needs vocab.json and merges.txt, or a tokenizer.json`,
    );
  }
  return text;
}

async function readOptionalJsonObject(file: string): Promise<JsonFile | undefined> {
  const text = await readOptionalText(file);
  return text === undefined ? undefined : parseJsonObject(text, file);
}

async function readOptionalText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot be read (${(cause as Error).message})`, { cause });
  }
}
