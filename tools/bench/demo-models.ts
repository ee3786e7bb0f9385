/**
 * Times each demo model at one size: `tsx tools/bench/demo-models.ts <model-dir> [size=512] [batch=2]`.
 * Prints the median of 5 runs per model after one warm-up, on the CPU execution provider.
 */
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';

type Feeds = Record<string, Tensor>;

function zeros(meta: InferenceSession.ValueMetadata, sizes: Record<string, number>): Tensor {
  if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor`);
  const dims = meta.shape.map((d) => (typeof d === 'number' ? d : sizes[d]));
  if (dims.some((d) => d === undefined))
    throw new Error(`${meta.name}: no size for [${meta.shape.join(',')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (meta.type === 'int64') return new Tensor('int64', new BigInt64Array(count), dims);
  if (meta.type === 'float16') return new Tensor('float16', new Uint16Array(count), dims);
  return new Tensor(
    'float32',
    new Float32Array(count).fill(meta.name === 'timestep' ? 501 : 0.5),
    dims,
  );
}

async function main(dir: string, size: number, batch: number): Promise<void> {
  const h = size / 8;
  const half = (n: number) => Math.ceil(n / 2);
  const sizes = {
    B: batch,
    h,
    w: h,
    '8h': size,
    '8w': size,
    'h/2': half(h),
    'w/2': half(h),
    'h/4': half(half(h)),
    'w/4': half(half(h)),
  };
  for (const name of ['text_encoder', 'text_encoder_2', 'controlnet', 'unet', 'vae_decoder']) {
    const session = await InferenceSession.create(join(dir, name, 'model.onnx'), {
      executionProviders: ['cpu'],
    });
    const feeds: Feeds = {};
    for (const meta of session.inputMetadata) feeds[meta.name] = zeros(meta, sizes);
    await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await session.run(feeds);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(15)} ${size}² B=${batch}: ${times[2].toFixed(1)} ms`);
    await session.release();
  }
}

const [dir, size = '512', batch = '2'] = process.argv.slice(2);
if (!dir) {
  console.error('Usage: tsx tools/bench/demo-models.ts <model-dir> [size=512] [batch=2]');
  process.exitCode = 2;
} else {
  main(dir, Number(size), Number(batch)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
