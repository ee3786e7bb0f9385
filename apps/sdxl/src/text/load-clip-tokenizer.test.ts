import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAddedTokens } from './added-tokens';
import { clipTokenizerDefinition } from './clip-definition';
import { loadClipTokenizer } from './load-clip-tokenizer';
import { resolveSpecialTokens } from './special-tokens';
import {
  BOS_ID,
  clipVocabulary,
  EOS_ID,
  SDXL_TOKENIZER_2_SETTINGS,
  SDXL_TOKENIZER_SETTINGS,
  writeClipFolder,
  writeFolder,
} from './testing/clip-folders';

let parent: string;
let count = 0;
const { vocab, merges } = clipVocabulary();

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'sdxl-clip-loading-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** A fresh folder with the fixture vocabulary, SDXL tokenizer/'s settings and `changes` on top. */
async function folderWith(changes: Record<string, unknown> = {}): Promise<string> {
  return writeFolder(parent, `case-${++count}`, {
    'vocab.json': vocab,
    'merges.txt': merges,
    ...SDXL_TOKENIZER_SETTINGS,
    ...changes,
  });
}

async function padOf(folder: string): Promise<number> {
  return (await loadClipTokenizer(folder)).ids.pad;
}

describe('the pad token, read from the folder', () => {
  it("is <|endoftext|> for SDXL's tokenizer/ and ! (id 0) for its tokenizer_2/", async () => {
    expect(
      await padOf(await writeClipFolder(parent, 'sdxl-tokenizer', SDXL_TOKENIZER_SETTINGS)),
    ).toBe(EOS_ID);
    expect(
      await padOf(await writeClipFolder(parent, 'sdxl-tokenizer_2', SDXL_TOKENIZER_2_SETTINGS)),
    ).toBe(0);
  });

  it('comes from special_tokens_map.json before tokenizer_config.json', async () => {
    const folder = await folderWith({
      'special_tokens_map.json': { pad_token: '!' },
      'tokenizer_config.json': { pad_token: '<|endoftext|>' },
    });
    expect(await padOf(folder)).toBe(0);
  });

  it('comes from tokenizer_config.json when the map does not name one', async () => {
    const folder = await folderWith({
      'special_tokens_map.json': { bos_token: '<|startoftext|>' },
      'tokenizer_config.json': { pad_token: { __type: 'AddedToken', content: '!' } },
    });
    expect(await padOf(folder)).toBe(0);
  });

  it("is CLIPTokenizer's default <|endoftext|> when neither file names one", async () => {
    const folder = await writeFolder(parent, 'no-settings', {
      'vocab.json': vocab,
      'merges.txt': merges,
    });
    const tokenizer = await loadClipTokenizer(folder);
    expect(tokenizer.ids).toEqual({ bos: BOS_ID, eos: EOS_ID, pad: EOS_ID });
  });
});

describe('tokenizer.json', () => {
  /** tokenizer.json as CLIPConverter would write it, with `changes` to its definition. */
  function tokenizerJson(changes: Record<string, unknown> = {}): Record<string, unknown> {
    const special = resolveSpecialTokens([]);
    const addedTokens = collectAddedTokens({
      existing: [],
      tokenizerConfig: undefined,
      special,
      vocab,
      vocabFile: 'vocab.json',
    });
    const definition = clipTokenizerDefinition({
      vocab,
      merges: merges
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(' ') as [string, string]),
      addedTokens,
      bos: ['<|startoftext|>', BOS_ID],
      eos: ['<|endoftext|>', EOS_ID],
      unk: '<|endoftext|>',
    });
    return { ...definition, ...changes };
  }

  it('is used instead of vocab.json + merges.txt when present', async () => {
    // Without the lowercase normalizer, "CAT" is three byte symbols instead of cat</w>.
    const normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }] };
    const folder = await writeFolder(parent, 'tokenizer-json', {
      'tokenizer.json': tokenizerJson({ normalizer }),
      ...SDXL_TOKENIZER_SETTINGS,
    });
    const ids = Array.from((await loadClipTokenizer(folder)).encode('CAT cat'), Number);
    expect(ids.slice(0, 6)).toEqual([BOS_ID, vocab['C'], vocab['A'], vocab['T</w>'], 2368, EOS_ID]);
  });

  it("gets tokenizer_2's pad token ! as a special token even when its added_tokens lack it", async () => {
    const folder = await writeFolder(parent, 'tokenizer-json-2', {
      'tokenizer.json': tokenizerJson(),
      ...SDXL_TOKENIZER_2_SETTINGS,
    });
    const tokenizer = await loadClipTokenizer(folder);
    expect(tokenizer.ids.pad).toBe(0);
    expect(Array.from(tokenizer.encode('cat!'), Number).slice(0, 5)).toEqual([
      BOS_ID,
      2368,
      0,
      EOS_ID,
      0,
    ]);
  });

  it('names the file when @huggingface/tokenizers cannot build it', async () => {
    const folder = await writeFolder(parent, 'tokenizer-json-unknown', {
      'tokenizer.json': tokenizerJson({ pre_tokenizer: { type: 'Nope' } }),
    });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'tokenizer.json')}: @huggingface/tokenizers cannot build a tokenizer from it (Unknown PreTokenizer type: Nope)`,
    );
  });

  it('is refused when its post-processor does not wrap prompts in BOS … EOS', async () => {
    const folder = await writeFolder(parent, 'tokenizer-json-no-wrap', {
      'tokenizer.json': tokenizerJson({ post_processor: null }),
    });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${folder}: expected the tokenizer to wrap a prompt as BOS 49406 … EOS 49407 but the empty prompt encodes to []`,
    );
  });

  it('names the file when it is not a tokenizer definition', async () => {
    const folder = await writeFolder(parent, 'tokenizer-json-bad', {
      'tokenizer.json': { version: '1.0' },
    });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'tokenizer.json')}: expected a "model" object with a "vocab" object but found nothing`,
    );
  });
});

describe('loading errors name the file and what was expected', () => {
  it('for a folder that does not exist', async () => {
    const folder = join(parent, 'missing');
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${folder}: expected a CLIP tokenizer folder (vocab.json + merges.txt, or tokenizer.json) but it does not exist`,
    );
  });

  it('for a missing vocab.json', async () => {
    const folder = await writeFolder(parent, 'no-vocab', { 'merges.txt': merges });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'vocab.json')}: not found; a CLIP tokenizer folder needs vocab.json and merges.txt, or a tokenizer.json`,
    );
  });

  it('for a missing merges.txt', async () => {
    const folder = await writeFolder(parent, 'no-merges', { 'vocab.json': vocab });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'merges.txt')}: not found`,
    );
  });

  it('for a vocab.json that is not JSON', async () => {
    const folder = await folderWith({ 'vocab.json': '{"a": 1,' });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'vocab.json')}: expected JSON but it does not parse`,
    );
  });

  it('for a vocab.json id that is not an integer', async () => {
    const folder = await folderWith({ 'vocab.json': { ...vocab, 'cat</w>': '2368' } });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'vocab.json')}: expected a non-negative integer id for token "cat</w>" but found the string "2368"`,
    );
  });

  it('for a merges line that is not two symbols', async () => {
    const folder = await folderWith({ 'merges.txt': '#version: 0.2\nc a\nca t </w>\n' });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'merges.txt')} line 3: expected two symbols separated by a space but found "ca t </w>"`,
    );
  });

  it('for a merges.txt without its #version header', async () => {
    const folder = await folderWith({ 'merges.txt': 'c a\nca t</w>\n' });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'merges.txt')} line 1: expected the "#version: 0.2" header that starts CLIP's merges.txt but found "c a"`,
    );
  });

  it('for a pad token that is not in the vocabulary', async () => {
    const folder = await folderWith({ 'special_tokens_map.json': { pad_token: '<pad>' } });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `pad_token "<pad>" (from ${join(folder, 'special_tokens_map.json')}) is not in ${join(folder, 'vocab.json')}; ` +
        'expected a token of the vocabulary',
    );
  });

  it('for a special token that is neither a string nor a token object', async () => {
    const folder = await folderWith({ 'tokenizer_config.json': { pad_token: 5 } });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'tokenizer_config.json')} pad_token: expected a token string or an object with a string "content" but found number 5`,
    );
  });

  it('for a settings file that is not a JSON object', async () => {
    const folder = await folderWith({ 'special_tokens_map.json': '["<pad>"]' });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'special_tokens_map.json')}: expected a JSON object but found an array of length 1`,
    );
  });

  it('for an added_tokens_decoder key that is not an id', async () => {
    const folder = await folderWith({
      'tokenizer_config.json': { added_tokens_decoder: { first: { content: '!', special: true } } },
    });
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'tokenizer_config.json')} added_tokens_decoder["first"]: expected a non-negative integer id as the key`,
    );
  });

  it('for a file that cannot be read', async () => {
    const folder = await folderWith();
    await rm(join(folder, 'vocab.json'));
    await mkdir(join(folder, 'vocab.json'));
    await expect(loadClipTokenizer(folder)).rejects.toThrow(
      `${join(folder, 'vocab.json')}: cannot be read (EISDIR`,
    );
  });
});
