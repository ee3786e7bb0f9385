import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP_SEQUENCE_LENGTH, type ClipTokenizer } from './clip-tokenizer';
import { loadClipTokenizer } from './load-clip-tokenizer';
import {
  BOS_ID,
  clipVocabulary,
  EOS_ID,
  FIXTURE_WORDS,
  SDXL_TOKENIZER_2_SETTINGS,
  SDXL_TOKENIZER_SETTINGS,
  writeClipFolder,
  writeFolder,
} from './testing/clip-folders';
import { BYTE_TO_SYMBOL, ReferenceClipBpe } from './testing/reference-clip-bpe';
import { trainClipVocabulary } from './testing/train-clip-bpe';

let parent: string;
/** Like SDXL's `tokenizer/` (CLIP-L): pads with <|endoftext|>. */
let tokenizer: ClipTokenizer;
/** Like SDXL's `tokenizer_2/` (OpenCLIP bigG): pads with "!". */
let tokenizer2: ClipTokenizer;
const { vocab, merges } = clipVocabulary();

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'sdxl-clip-tokenizer-'));
  tokenizer = await loadClipTokenizer(
    await writeClipFolder(parent, 'tokenizer', SDXL_TOKENIZER_SETTINGS),
  );
  tokenizer2 = await loadClipTokenizer(
    await writeClipFolder(parent, 'tokenizer_2', SDXL_TOKENIZER_2_SETTINGS),
  );
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** The ids as numbers, for readable diffs. */
function ids(encoded: BigInt64Array): number[] {
  return Array.from(encoded, Number);
}

/** `content` wrapped in BOS … EOS and padded to 77 with `pad`. */
function padded(content: number[], pad: number): number[] {
  const wrapped = [BOS_ID, ...content, EOS_ID];
  return [...wrapped, ...Array<number>(CLIP_SEQUENCE_LENGTH - wrapped.length).fill(pad)];
}

/** The id of a word of the test vocabulary as one token, e.g. `cat` → `cat</w>`'s id. */
function wordId(word: string): number {
  const symbols = [...new TextEncoder().encode(word)].map((byte) => BYTE_TO_SYMBOL[byte]).join('');
  const id = vocab[symbols + '</w>'];
  if (id === undefined) throw new Error(`${word} is not a word of the test vocabulary`);
  return id;
}

describe('published CLIP encodings, with the real ids of the words involved', () => {
  it.each([
    ['a photo of a cat', [320, 1125, 539, 320, 2368]],
    ['Hello, world!', [3306, 267, 1002, 256]],
    ['A PHOTO of  a Cat!', [320, 1125, 539, 320, 2368, 256]],
    ['a photo of a dog', [320, 1125, 539, 320, 1929]],
  ])('tokenizer encodes %j as CLIP does', (prompt, content) => {
    expect(ids(tokenizer.encode(prompt))).toEqual(padded(content, EOS_ID));
  });

  it("pads tokenizer_2's prompts with ! (id 0), the same content ids otherwise", () => {
    expect(ids(tokenizer2.encode('a photo of a cat'))).toEqual(
      padded([320, 1125, 539, 320, 2368], 0),
    );
  });

  // diffusers issue 4153: open_clip (and SDXL's tokenizer/) BPE-merge the runs of "!", but
  // tokenizer_2 registers its pad token "!" as a special token, so each "!" is id 0.
  it('encodes "! !! !!!" as open_clip does with tokenizer and as diffusers does with tokenizer_2', () => {
    expect(ids(tokenizer.encode('! !! !!!'))).toEqual(padded([256, 748, 995], EOS_ID));
    expect(ids(tokenizer2.encode('! !! !!!'))).toEqual(padded([0, 0, 0, 0, 0, 0], 0));
  });
});

describe("transformers' CLIP tokenizer test (tests/models/clip/test_tokenization_clip.py)", () => {
  it('encodes "lower newer" with its vocabulary, merges and <unk>', async () => {
    const words = [
      'l',
      'o',
      'w',
      'e',
      'r',
      's',
      't',
      'i',
      'd',
      'n',
      'lo',
      'l</w>',
      'w</w>',
      'r</w>',
      't</w>',
    ];
    const rest = [
      'low</w>',
      'er</w>',
      'lowest</w>',
      'newer</w>',
      'wider',
      '<unk>',
      '<|startoftext|>',
      '<|endoftext|>',
    ];
    const folder = await writeFolder(parent, 'transformers-test', {
      'vocab.json': Object.fromEntries([...words, ...rest].map((token, id) => [token, id])),
      'merges.txt': ['#version: 0.2', 'l o', 'lo w</w>', 'e r</w>'].join('\n'),
      'special_tokens_map.json': { unk_token: '<unk>' },
    });
    const small = await loadClipTokenizer(folder);
    // ["lo", "w", "er</w>", "n", "e", "w", "er</w>"] → [10, 2, 16, 9, 3, 2, 16]; "x</w>" is unknown → 20.
    expect(ids(small.encode('lower newer x')).slice(0, 11)).toEqual([
      21, 10, 2, 16, 9, 3, 2, 16, 20, 22, 22,
    ]);
  });
});

describe('the test vocabulary', () => {
  it.each(FIXTURE_WORDS)('holds %j as one token', (word) => {
    expect(tokenizer.countTokens(word)).toBe(1);
    expect(ids(tokenizer.encode(word))[1]).toBe(wordId(word));
  });
});

describe('normalization', () => {
  it('lowercases', () => {
    expect(ids(tokenizer.encode('A Photo OF a CAT'))).toEqual(
      ids(tokenizer.encode('a photo of a cat')),
    );
  });

  it('collapses and trims whitespace, Unicode spaces included', () => {
    const expected = ids(tokenizer.encode('a photo of a cat'));
    expect(ids(tokenizer.encode('  a\tphoto\n\nof \u00a0 a\u3000cat \r\n'))).toEqual(expected);
  });

  it('composes to NFC: "cafe" + U+0301 is the token "café"', () => {
    expect(ids(tokenizer.encode('cafe\u0301'))).toEqual(padded([wordId('café')], EOS_ID));
    expect(ids(tokenizer.encode('CAF\u00c9 \u00dcber'))).toEqual(
      padded([wordId('café'), wordId('über')], EOS_ID),
    );
  });
});

describe('splitting', () => {
  it('splits punctuation from words and keeps runs of it together', () => {
    expect(ids(tokenizer.encode('cat,dog!!!'))).toEqual(padded([2368, 267, 1929, 995], EOS_ID));
  });

  it("splits contractions: cat's → cat, 's", () => {
    expect(ids(tokenizer.encode("the cat's car"))).toEqual(
      padded([wordId('the'), 2368, wordId("'s"), wordId('car')], EOS_ID),
    );
  });

  it('splits numbers into single digits', () => {
    // Digit ids follow the byte order: "0</w>" is 256 + ("0" − "!") = 271.
    expect(ids(tokenizer.encode('2024'))).toEqual(padded([273, 271, 273, 275], EOS_ID));
  });

  it('splits a word out of the vocabulary into the merges it has, falling back to byte symbols', () => {
    // photo's merges give "phot"; nothing merges "o g r a p h</w>".
    const pieces = ['phot', 'o', 'g', 'r', 'a', 'p', 'h</w>'].map((token) => vocab[token]!);
    expect(ids(tokenizer.encode('photograph'))).toEqual(padded(pieces, EOS_ID));
  });

  it('maps special-token text in a prompt to the special id, as transformers does', () => {
    expect(ids(tokenizer.encode('a <|startoftext|> cat'))).toEqual(
      padded([320, BOS_ID, 2368], EOS_ID),
    );
  });
});

describe('BOS, EOS, padding and truncation to 77', () => {
  it('encodes the empty prompt as BOS, EOS and 75 pads', () => {
    expect(ids(tokenizer.encode(''))).toEqual(padded([], EOS_ID));
    expect(ids(tokenizer2.encode(''))).toEqual(padded([], 0));
  });

  it('returns 77 int64 ids', () => {
    const encoded = tokenizer.encode('a photo of a cat');
    expect(encoded).toBeInstanceOf(BigInt64Array);
    expect(encoded).toHaveLength(CLIP_SEQUENCE_LENGTH);
    expect(tokenizer.sequenceLength).toBe(77);
  });

  it('keeps 75 content tokens whole, with no padding', () => {
    expect(ids(tokenizer.encode('cat '.repeat(75)))).toEqual([
      BOS_ID,
      ...Array<number>(75).fill(2368),
      EOS_ID,
    ]);
  });

  it('truncates longer prompts to their first 75 tokens and still ends with EOS', () => {
    const long = 'red car '.repeat(40); // 80 tokens
    expect(tokenizer.countTokens(long)).toBe(80);
    const expected = [
      BOS_ID,
      ...Array.from({ length: 75 }, (_, i) => wordId(i % 2 ? 'car' : 'red')),
      EOS_ID,
    ];
    expect(ids(tokenizer.encode(long))).toEqual(expected);
    expect(ids(tokenizer2.encode(long))).toEqual(expected);
  });

  it('counts tokens, not words, toward the 75', () => {
    // "cat!!!" is two tokens: 38 of them are 76 tokens, so the last "!!!" is dropped.
    const encoded = ids(tokenizer.encode('cat!!! '.repeat(38)));
    expect(encoded.slice(-3)).toEqual([995, 2368, EOS_ID]);
  });

  it('encodes a batch row after row: [negative; positive]', () => {
    const batch = tokenizer2.encodeBatch(['', 'a photo of a cat']);
    expect(batch).toHaveLength(2 * CLIP_SEQUENCE_LENGTH);
    expect(ids(batch.subarray(0, 77))).toEqual(ids(tokenizer2.encode('')));
    expect(ids(batch.subarray(77))).toEqual(ids(tokenizer2.encode('a photo of a cat')));
  });

  it('rejects a prompt that is not a string', () => {
    expect(() => tokenizer.encode(undefined as unknown as string)).toThrow(
      new TypeError('Expected a string for prompt but received undefined'),
    );
  });
});

// Prompt-like text for training merges that compete the way CLIP's do (see train-clip-bpe.ts).
const CORPUS = `
  A photograph of an astronaut riding a horse on Mars, highly detailed, 8k, trending on artstation.
  Portrait of a cat wearing a red hat, oil painting in the style of Van Gogh, dramatic lighting.
  A cozy café interior at night, cinematic, photorealistic, soft shadows, shallow depth of field.
  The dog's house is painted blue; they'd've loved the garden. Watercolor illustration, pastel colors.
  Futuristic city skyline at sunset, neon lights, rain, reflections, ultra-detailed concept art.
  Über-realistic macro photography of a dragonfly on a leaf, bokeh, morning dew, 100mm lens.
`;

describe('cross-check with a reference implementation of CLIP BPE', () => {
  const prompts = [
    'a photo of a cat',
    'An astronaut riding a horse on Mars, in the style of Van Gogh',
    "photograph of the astronaut's red car!!!",
    '  CAFÉ über   cafe\u0301\tüBER  ',
    "it's the dog's car; they'd've gone, we're here, I'm off, you'll see",
    '1990s style, 4k, 8-bit, f/2.8',
    '日本語のテキスト and emoji 🚀🐱 ok',
    'hello—world… «quotes» ¿qué? (parens) [brackets] {braces}',
    'x'.repeat(300),
    'cat '.repeat(80),
    '\u0130stanbul ΣΟΦΟΣ Straße',
    'tab\tnew\nline\r\nend',
    '',
    'portraits of painted cities, photographed at sunrise; lighting: dramatic!! detailing, illustrations',
    "a dragonfly-shaped skyscraper in the rain, reflected in puddles, concept artists' favourite",
  ];
  const vocabularies = {
    'the fixture words': clipVocabulary(),
    'merges trained on a corpus': trainClipVocabulary(CORPUS, 400),
  };

  describe.each(Object.entries(vocabularies))('with %s', (name, vocabulary) => {
    const reference = (pad: number): ReferenceClipBpe =>
      new ReferenceClipBpe(vocabulary.vocab, vocabulary.merges, {
        bos: BOS_ID,
        eos: EOS_ID,
        pad,
        unk: EOS_ID,
      });
    let first: ClipTokenizer;
    let second: ClipTokenizer;
    beforeAll(async () => {
      const folder = (tokenizerName: string): string =>
        `${name.replace(/\W+/g, '-')}-${tokenizerName}`;
      first = await loadClipTokenizer(
        await writeClipFolder(parent, folder('tokenizer'), SDXL_TOKENIZER_SETTINGS, vocabulary),
      );
      second = await loadClipTokenizer(
        await writeClipFolder(parent, folder('tokenizer_2'), SDXL_TOKENIZER_2_SETTINGS, vocabulary),
      );
    });

    it.each(prompts)('tokenizer agrees on %j', (prompt) => {
      expect(ids(first.encode(prompt))).toEqual(reference(EOS_ID).encode(prompt));
    });

    // The reference does not match added tokens, and tokenizer_2 has "!" as one.
    it.each(prompts.filter((prompt) => !prompt.includes('!')))(
      'tokenizer_2 agrees on %j',
      (prompt) => {
        expect(ids(second.encode(prompt))).toEqual(reference(0).encode(prompt));
      },
    );
  });

  it('is not trivial: trained merges turn words into several multi-symbol pieces', () => {
    const { vocab: trained, merges: trainedMerges } = vocabularies['merges trained on a corpus'];
    const reference = new ReferenceClipBpe(trained, trainedMerges, {
      bos: 0,
      eos: 0,
      pad: 0,
      unk: 0,
    });
    const pieces = reference.tokenize('portraits of painted cities');
    expect(pieces.length).toBeGreaterThan(4);
    expect(
      pieces.filter((piece) => [...piece.replace('</w>', '')].length > 1).length,
    ).toBeGreaterThan(3);
  });
});
