/**
 * Parts of the pipeline on the demo model's real sessions: prompt embeddings as diffusers builds
 * them, and where the models run.
 */
import path from 'node:path';
import { loadModelDirectory, type ModelDirectory } from '../src';
import { ModelRunner } from '../src/pipeline/model-runner';
import { EMBEDDING_WIDTH, encodePrompts, POOLED_WIDTH, SEQUENCE_LENGTH } from '../src/pipeline/prompt-embeddings';
import { chooseExecutionProviders } from '../src/runtime/execution-providers';
import { loadClipTokenizer } from '../src/text';
import { generateTempDemoModel, removeDir } from './support/demo-dir';

describe('the pipeline on the demo model', () => {
  let dir: string;
  let models: ModelDirectory;
  beforeAll(async () => {
    dir = generateTempDemoModel();
    models = await loadModelDirectory(dir, { executionProviders: ['cpu'] });
  }, 60_000);
  afterAll(async () => {
    await models?.release();
    removeDir(dir);
  });

  const row = (data: Float32Array, index: number, width: number) => data.subarray(index * width, (index + 1) * width);
  const isZero = (data: Float32Array) => data.every((v) => v === 0);

  it('encodes [negative; positive]: zeros for an absent negative prompt, "" encoded like any prompt', async () => {
    const tokenizers = await Promise.all([loadClipTokenizer(path.join(dir, 'tokenizer')), loadClipTokenizer(path.join(dir, 'tokenizer_2'))] as const);
    const encoders = { textEncoder: new ModelRunner('text_encoder', models.sessions.text_encoder), textEncoder2: new ModelRunner('text_encoder_2', models.sessions.text_encoder_2) };
    const absent = await encodePrompts([undefined, 'a red house'], tokenizers, encoders);
    expect(absent.batch).toBe(2);
    expect(absent.hidden).toHaveLength(2 * SEQUENCE_LENGTH * EMBEDDING_WIDTH);
    expect(isZero(row(absent.hidden, 0, SEQUENCE_LENGTH * EMBEDDING_WIDTH))).toBe(true);
    expect(isZero(row(absent.pooled, 0, POOLED_WIDTH))).toBe(true);
    expect(isZero(row(absent.hidden, 1, SEQUENCE_LENGTH * EMBEDDING_WIDTH))).toBe(false);

    const empty = await encodePrompts(['', 'a red house'], tokenizers, encoders);
    expect(isZero(row(empty.pooled, 0, POOLED_WIDTH))).toBe(false);
    // The positive half is the same however the negative half was made: one batch, rows independent.
    expect(row(empty.hidden, 1, SEQUENCE_LENGTH * EMBEDDING_WIDTH)).toEqual(row(absent.hidden, 1, SEQUENCE_LENGTH * EMBEDDING_WIDTH));
    // Each token position: text_encoder's 768 features, then text_encoder_2's 1280.
    const alone = await encodePrompts(['a red house'], tokenizers, encoders);
    expect(alone.hidden).toEqual(row(absent.hidden, 1, SEQUENCE_LENGTH * EMBEDDING_WIDTH));
  });

  it('uses CUDA where onnxruntime can, else the CPU saying why; a required CUDA that is missing fails', async () => {
    const probe = path.join(dir, 'text_encoder', 'model.onnx');
    const auto = await chooseExecutionProviders('auto', probe);
    if (auto.provider === 'cuda') {
      // A host with the CUDA provider libraries and a GPU.
      expect(auto).toEqual({ provider: 'cuda', providers: ['cuda', 'cpu'] });
      await expect(chooseExecutionProviders('cuda', probe)).resolves.toEqual(auto);
    } else {
      // npm's onnxruntime-node ships the CPU library only (CI, this workspace).
      expect(auto.providers).toEqual(['cpu']);
      expect(auto.reason).toMatch(/^CUDA is not usable here: /);
      await expect(chooseExecutionProviders('cuda', probe)).rejects.toThrow(/^SDXL_EXECUTION_PROVIDER=cuda, but the CUDA execution provider cannot be used: /);
    }
    expect(await chooseExecutionProviders('cpu', probe)).toEqual({ provider: 'cpu', providers: ['cpu'], reason: 'SDXL_EXECUTION_PROVIDER=cpu' });
  });
});
