/**
 * The generator's command line with --float16: a model directory the loader accepts as float16
 * (timesteps stay float32), computing what the float32 demo model computes, to float16 precision.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { loadModelDirectory, MODEL_LAYOUT, resolveShape, type ModelDirectory } from '../src';
import { generateTempDemoModel, removeDir, tempDir } from './support/demo-dir';
import { fromHalf, toHalf } from './support/half';
import { normals } from './support/stand-in-loop';

const ROOT = join(__dirname, '..', '..', '..');
const cli = (...args: string[]) =>
  spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join('tools', 'demo-model', 'cli.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );

let halfDir: string;
let half: ModelDirectory | undefined;
let fullDir: string;
let full: ModelDirectory | undefined;

beforeAll(async () => {
  halfDir = join(tempDir(), 'demo-fp16');
  const result = cli(halfDir, '--float16');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  half = await loadModelDirectory(halfDir, { executionProviders: ['cpu'] });
  fullDir = generateTempDemoModel();
  full = await loadModelDirectory(fullDir, { executionProviders: ['cpu'] });
});

afterAll(async () => {
  await half?.release();
  await full?.release();
  removeDir(halfDir && join(halfDir, '..'));
  removeDir(fullDir);
});

describe('tools/demo-model/cli.ts --float16', () => {
  it('writes float16 models the loader accepts and reports as float16, with float32 scalar timesteps', () => {
    expect(half!.precision).toEqual({
      text_encoder: 'float16',
      text_encoder_2: 'float16',
      unet: 'float16',
      controlnet: 'float16',
      vae_decoder: 'float16',
    });
    expect(half!.timestep).toEqual({
      unet: { type: 'float32', shape: [] },
      controlnet: { type: 'float32', shape: [] },
    });
  });

  it.each(['unet', 'controlnet', 'vae_decoder'] as const)(
    '%s gives the float32 model’s outputs to float16 precision',
    async (name) => {
      const sizes = { B: 2, h: 8, w: 8 };
      const feeds32: Record<string, Tensor> = {};
      const feeds16: Record<string, Tensor> = {};
      MODEL_LAYOUT[name].inputs.forEach((input, i) => {
        if (input.type === 'timestep') {
          feeds32[input.name] = feeds16[input.name] = new Tensor(
            'float32',
            Float32Array.of(501),
            [],
          );
          return;
        }
        const dims = resolveShape(input.shape, sizes);
        const count = dims.reduce((a, b) => a * b, 1);
        const raw = new Float32Array(count);
        const run = normals(Math.min(count, 4096), i + 1);
        for (let at = 0; at < count; at += run.length)
          raw.set(run.subarray(0, Math.min(run.length, count - at)), at);
        const bits = toHalf(
          input.name === 'controlnet_cond' ? raw.map((v) => (v > 1 ? 1 : 0)) : raw,
        );
        feeds16[input.name] = new Tensor('float16', bits, dims);
        feeds32[input.name] = new Tensor('float32', fromHalf(bits), dims);
      });
      const [out16, out32] = await Promise.all([
        half!.sessions[name].run(feeds16),
        full!.sessions[name].run(feeds32),
      ]);
      for (const output of MODEL_LAYOUT[name].outputs) {
        expect(out16[output.name].type).toBe('float16');
        const a = fromHalf(out16[output.name].data as Uint16Array);
        const b = out32[output.name].data as Float32Array;
        expect(a.length).toBe(b.length);
        let worst = 0;
        for (let i = 0; i < a.length; i++)
          worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
        expect(worst).toBeLessThan(2e-3);
      }
    },
  );

  it('refuses to replace a folder that holds something other than a demo model', () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'mine'));
      writeFileSync(join(dir, 'mine', 'notes.txt'), 'keep me');
      const result = cli(join(dir, 'mine'));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is not empty and holds no demo model .*not replacing it/);
    } finally {
      removeDir(dir);
    }
  });
});
