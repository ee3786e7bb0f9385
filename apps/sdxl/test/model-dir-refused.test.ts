/**
 * The loader refuses edited copies of the demo model with messages that name the file, the
 * tensor and expected vs found, or the missing path.
 */
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@bento/core';
import { onnx } from 'onnx-proto';
import { loadModelDirectory } from '../src';
import {
  editModel,
  generateTempDemoModel,
  initializer,
  inputDims,
  removeDir,
  renameInput,
  tempDir,
} from './support/demo-dir';

let pristine: string;
const copies: string[] = [];

beforeAll(() => {
  pristine = generateTempDemoModel();
});

afterAll(() => {
  removeDir(pristine);
  copies.forEach(removeDir);
});

/** A copy of the demo model, changed by `edit`. */
function copyWith(edit: (dir: string) => void): string {
  const dir = join(tempDir(), 'model');
  copies.push(join(dir, '..'));
  cpSync(pristine, dir, { recursive: true });
  edit(dir);
  return dir;
}

/** The loader's problems for `dir` (it must throw a ConfigError). */
async function problemsOf(dir: string): Promise<string[]> {
  const error: unknown = await loadModelDirectory(dir, { executionProviders: ['cpu'] }).then(
    (models) => models.release().then(() => undefined),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const { message, details } = error as ConfigError;
  const { problems } = details as { problems: string[] };
  expect(message).toBe(
    `Model directory ${dir} does not fit SDXL + ControlNet:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return problems;
}

describe('loadModelDirectory refuses', () => {
  it('a renamed input', async () => {
    const dir = copyWith((d) =>
      editModel(join(d, 'controlnet', 'model.onnx'), (m) =>
        renameInput(m, 'controlnet_cond', 'controlnet_image'),
      ),
    );
    expect(await problemsOf(dir)).toEqual([
      'controlnet/model.onnx: input controlnet_cond: expected float32 [B,3,8h,8w] but the model has no such input ' +
        '(its inputs: sample, timestep, encoder_hidden_states, controlnet_image, text_embeds, time_ids)',
      'controlnet/model.onnx: unexpected input controlnet_image (float32 [B,3,8h,8w]): the pipeline feeds only ' +
        'sample, timestep, encoder_hidden_states, controlnet_cond, text_embeds, time_ids',
    ]);
  });

  it('a wrong width (a UNet for 1024-wide text states)', async () => {
    const dir = copyWith((d) =>
      editModel(join(d, 'unet', 'model.onnx'), (m) => {
        inputDims(m, 'encoder_hidden_states')[2] = onnx.TensorShapeProto.Dimension.create({
          dimValue: 1024,
        });
        // Keep the graph consistent so onnxruntime opens it and the check is what refuses it.
        const reader = initializer(m, 'states_colour');
        reader.dims = [1024, 4];
        reader.rawData = reader.rawData?.slice(0, 1024 * 4 * 4);
      }),
    );
    expect(await problemsOf(dir)).toEqual([
      'unet/model.onnx: input encoder_hidden_states: expected float32 [B,77,2048] but found float32 [B,77,1024]',
    ]);
  });

  it('a fixed batch where the pipeline needs it free', async () => {
    const dir = copyWith((d) =>
      editModel(join(d, 'vae_decoder', 'model.onnx'), (m) => {
        inputDims(m, 'latent_sample')[0] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
      }),
    );
    // onnxruntime infers the output's batch from the input's: both are named.
    expect(await problemsOf(dir)).toEqual([
      'vae_decoder/model.onnx: input latent_sample: expected float32 [B,4,h,w] but found float32 [1,4,h,w]',
      'vae_decoder/model.onnx: output sample: expected float32 [B,3,8h,8w] but found float32 [1,3,8h,8w]',
    ]);
  });

  it('missing files and folders, all named at once', async () => {
    const dir = copyWith((d) => {
      rmSync(join(d, 'tokenizer_2', 'merges.txt'));
      rmSync(join(d, 'controlnet'), { recursive: true });
    });
    expect(await problemsOf(dir)).toEqual([
      'controlnet/: missing folder (expected controlnet/model.onnx)',
      'tokenizer_2/merges.txt: missing file',
    ]);
  });

  it('a scheduler config at the wrong path, or not JSON', async () => {
    const moved = copyWith((d) =>
      renameSync(
        join(d, 'scheduler', 'scheduler_config.json'),
        join(d, 'scheduler', 'config.json'),
      ),
    );
    expect(await problemsOf(moved)).toEqual(['scheduler/scheduler_config.json: missing file']);
    const broken = copyWith((d) =>
      writeFileSync(join(d, 'scheduler', 'scheduler_config.json'), '{ "_class_name": '),
    );
    expect(await problemsOf(broken)).toEqual([
      expect.stringMatching(/^scheduler\/scheduler_config\.json: not valid JSON \(/),
    ]);
  });

  it('a file onnxruntime cannot open', async () => {
    const dir = copyWith((d) => writeFileSync(join(d, 'vae_decoder', 'model.onnx'), 'not a model'));
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^vae_decoder\/model\.onnx: onnxruntime could not open it: /),
    ]);
  });

  it('a folder that does not exist', async () => {
    const dir = join(pristine, 'nowhere');
    expect(await problemsOf(dir)).toEqual(['the folder does not exist']);
  });
});
