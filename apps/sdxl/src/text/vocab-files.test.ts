import { CLIP_MERGE_COUNT, parseMerges, parseVocab } from './vocab-files';

describe('parseMerges', () => {
  it('skips the #version header and reads each line as two symbols', () => {
    expect(parseMerges('#version: 0.2\ni n\nin g</w>\n', 'merges.txt')).toEqual([
      ['i', 'n'],
      ['in', 'g</w>'],
    ]);
  });

  it('accepts Windows line ends', () => {
    expect(parseMerges('#version: 0.2\r\ni n\r\n', 'merges.txt')).toEqual([['i', 'n']]);
  });

  it("keeps only CLIP's 48894 merges, as transformers does", () => {
    const lines = Array.from({ length: CLIP_MERGE_COUNT + 10 }, (_, i) => `a${i} b`);
    const merges = parseMerges(['#version: 0.2', ...lines].join('\n'), 'merges.txt');
    expect(CLIP_MERGE_COUNT).toBe(48894);
    expect(merges).toHaveLength(CLIP_MERGE_COUNT);
    expect(merges.at(-1)).toEqual([`a${CLIP_MERGE_COUNT - 1}`, 'b']);
  });

  it('names the line of an empty merge', () => {
    expect(() => parseMerges('#version: 0.2\ni n\n\nin g</w>', 'tokenizer/merges.txt')).toThrow(
      'tokenizer/merges.txt line 3: expected two symbols separated by a space but found ""',
    );
  });
});

describe('parseVocab', () => {
  it('reads token → id', () => {
    expect(parseVocab('{"a": 0, "a</w>": 256}', 'vocab.json')).toEqual({ a: 0, 'a</w>': 256 });
  });

  it('rejects an array and an empty object', () => {
    expect(() => parseVocab('["a"]', 'vocab.json')).toThrow(
      'vocab.json: expected an object of token → id but found an array of length 1',
    );
    expect(() => parseVocab('{}', 'vocab.json')).toThrow(
      'vocab.json: expected a vocabulary of token → id but the object is empty',
    );
  });
});
