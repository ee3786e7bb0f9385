/**
 * The generated demo model: the loader accepts it, its tokenizer files follow CLIP's conventions,
 * and every model runs in onnxruntime with finite outputs of the declared shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadModelDirectory, MODEL_LAYOUT, MODEL_NAMES, resolveShape, type ModelDirectory, type ModelName } from '../src';
import type { DimSizes } from '../src/models/layout';
import { SDXL_SCHEDULER_CONFIG } from '../../../tools/demo-model/generate';
import { generateTempDemoModel, removeDir } from './support/demo-dir';
import { normals, wordIds } from './support/stand-in-loop';

let dir: string;
let models: ModelDirectory | undefined;

beforeAll(async () => {
  dir = generateTempDemoModel();
  models = await loadModelDirectory(dir, { executionProviders: ['cpu'] });
});

afterAll(async () => {
  await models?.release();
  removeDir(dir);
});

/** Feeds for every declared input: token ids in the vocabulary, timestep 501, images in [0,1]. */
function feedsFor(name: ModelName, sizes: DimSizes, vocabSize: number): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  MODEL_LAYOUT[name].inputs.forEach((input, i) => {
    const dims = resolveShape(input.shape, sizes);
    const count = dims.reduce((a, b) => a * b, 1);
    if (input.type === 'int64') {
      feeds[input.name] = new Tensor(
        'int64',
        BigInt64Array.from({ length: count }, (_, j) => BigInt((j * 7919) % vocabSize)),
        dims,
      );
    } else if (input.type === 'timestep') {
      feeds[input.name] = new Tensor('float32', Float32Array.of(501), []);
    } else {
      // Element-wise work is slow inside Jest's realm: tile a short run of normals instead.
      const values = new Float32Array(count);
      const run = normals(Math.min(count, 4096), i + 1);
      for (let at = 0; at < count; at += run.length)
        values.set(run.subarray(0, Math.min(run.length, count - at)), at);
      feeds[input.name] = new Tensor(
        'float32',
        input.name === 'controlnet_cond' ? values.map((v) => (v > 1 ? 1 : 0)) : values,
        dims,
      );
    }
  });
  return feeds;
}

describe('the demo model', () => {
  it('is accepted by the loader, which reports float32 models and a float32 scalar timestep', () => {
    expect(models).toBeDefined();
    const m = models!;
    expect(Object.keys(m.sessions).sort()).toEqual([...MODEL_NAMES].sort());
    expect(m.precision).toEqual({
      text_encoder: 'float32',
      text_encoder_2: 'float32',
      unet: 'float32',
      controlnet: 'float32',
      vae_decoder: 'float32',
    });
    expect(m.timestep).toEqual({
      unet: { type: 'float32', shape: [] },
      controlnet: { type: 'float32', shape: [] },
    });
    expect(m.tokenizers.tokenizer_2).toEqual({
      vocab: join(dir, 'tokenizer_2', 'vocab.json'),
      merges: join(dir, 'tokenizer_2', 'merges.txt'),
    });
    expect(m.schedulerConfig).toEqual(SDXL_SCHEDULER_CONFIG);
    expect(m.schedulerConfig).toMatchObject({
      _class_name: 'EulerDiscreteScheduler',
      beta_start: 0.00085,
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      num_train_timesteps: 1000,
      timestep_spacing: 'leading',
      steps_offset: 1,
      prediction_type: 'epsilon',
    });
  });

  it('has CLIP tokenizer files: byte-level vocab with </w>, ! as id 0, specials last, pads as SDXL', () => {
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const vocab = JSON.parse(read('tokenizer/vocab.json')) as Record<string, number>;
    expect(JSON.parse(read('tokenizer_2/vocab.json'))).toEqual(vocab);
    const size = Object.keys(vocab).length;
    expect(vocab['!']).toBe(0);
    expect(vocab['!</w>']).toBe(256);
    expect(vocab['Ġ']).toBeDefined(); // the byte 0x20, as bytes_to_unicode maps it
    expect([vocab['<|startoftext|>'], vocab['<|endoftext|>']]).toEqual([size - 2, size - 1]);
    for (const word of ['a', 'house', 'red', 'blue', 'green', 'yellow', 'photo'])
      expect(vocab[`${word}</w>`]).toBeDefined();
    const merges = read('tokenizer/merges.txt').split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges.slice(1, -1).every((line) => /^\S+ \S+$/.test(line))).toBe(true);
    expect(JSON.parse(read('tokenizer/special_tokens_map.json')).pad_token).toBe('<|endoftext|>');
    expect(JSON.parse(read('tokenizer_2/special_tokens_map.json')).pad_token).toBe('!');
    expect(JSON.parse(read('tokenizer_2/tokenizer_config.json'))).toMatchObject({
      pad_token: '!',
      model_max_length: 77,
      do_lower_case: true,
    });
  });

  it('tokenizes with a real BPE (@huggingface/tokenizers, set up as transformers CLIPConverter does) to whole words', () => {
    const vocab = JSON.parse(readFileSync(join(dir, 'tokenizer', 'vocab.json'), 'utf8')) as Record<
      string,
      number
    >;
    const merges = readFileSync(join(dir, 'tokenizer', 'merges.txt'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean);
    const tokenizer = new Tokenizer(
      {
        normalizer: {
          type: 'Sequence',
          normalizers: [
            { type: 'NFC' },
            { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
            { type: 'Lowercase' },
          ],
        },
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            {
              type: 'Split',
              pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
              behavior: 'Removed',
              invert: true,
            },
            { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
          ],
        },
        model: {
          type: 'BPE',
          vocab,
          merges,
          continuing_subword_prefix: '',
          end_of_word_suffix: '</w>',
          unk_token: '<|endoftext|>',
          fuse_unk: false,
        },
        post_processor: {
          type: 'RobertaProcessing',
          sep: ['<|endoftext|>', vocab['<|endoftext|>']],
          cls: ['<|startoftext|>', vocab['<|startoftext|>']],
          add_prefix_space: false,
          trim_offsets: false,
        },
        decoder: { type: 'ByteLevel' },
        added_tokens: [
          {
            id: vocab['<|startoftext|>'],
            content: '<|startoftext|>',
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: true,
            special: true,
          },
          {
            id: vocab['<|endoftext|>'],
            content: '<|endoftext|>',
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: false,
            special: true,
          },
        ],
      },
      {},
    );
    const prompt = 'A red  House, with a BLUE sky';
    const expected = Array.from(wordIds(dir, 'tokenizer', prompt).slice(0, 10), Number);
    expected.splice(expected.indexOf(vocab['house</w>']) + 1, 0, vocab[',</w>']); // the stand-in skips punctuation
    expect(tokenizer.encode(prompt).ids).toEqual(expected.slice(0, 10));
  });

  it.each(MODEL_NAMES)(
    '%s runs at 64×64 with B=2: finite outputs of the declared shapes',
    async (name) => {
      const vocabSize = Object.keys(
        JSON.parse(readFileSync(join(dir, 'tokenizer', 'vocab.json'), 'utf8')),
      ).length;
      const sizes = { B: 2, h: 8, w: 8 };
      const session: InferenceSession = models!.sessions[name];
      const outputs = await session.run(feedsFor(name, sizes, vocabSize));
      for (const output of MODEL_LAYOUT[name].outputs) {
        const tensor = outputs[output.name];
        expect([output.name, tensor.type, tensor.dims]).toEqual([
          output.name,
          'float32',
          resolveShape(output.shape, sizes),
        ]);
        expect((tensor.data as Float32Array).every(Number.isFinite)).toBe(true);
      }
    },
  );

  it.each(['controlnet', 'unet', 'vae_decoder'] as const)(
    '%s takes an odd latent size (72×80 image: h/2, h/4 rounded up)',
    async (name) => {
      const sizes = { B: 1, h: 9, w: 10 };
      const outputs = await models!.sessions[name].run(feedsFor(name, sizes, 1));
      for (const output of MODEL_LAYOUT[name].outputs)
        expect(outputs[output.name].dims).toEqual(resolveShape(output.shape, sizes));
      if (name === 'controlnet') expect(outputs.mid_block_res_sample.dims).toEqual([1, 1280, 3, 3]);
    },
  );

  it('puts colour in the penultimate hidden states and its opposite in the last layer', async () => {
    const ids = new Tensor('int64', wordIds(dir, 'tokenizer', 'a red house'), [1, 77]);
    const out = await models!.sessions.text_encoder.run({ input_ids: ids });
    const colourSum = (name: string) => {
      const data = out[name].data as Float32Array;
      const sum = [0, 0, 0];
      for (let t = 0; t < 77; t++) for (let c = 0; c < 3; c++) sum[c] += data[t * 768 + c];
      return sum;
    };
    const [r, g, b] = colourSum('hidden_states.11');
    expect(r).toBeGreaterThan(0.2);
    expect(g).toBeLessThan(-0.2);
    expect(b).toBeLessThan(-0.2);
    expect(colourSum('hidden_states.12').map((v) => -v)).toEqual(
      [r, g, b].map((v) => expect.closeTo(v, 5)),
    );
  });
});
