/**
 * Where the time of one ControlNet request goes, served as `nx serve controlnet` serves it (each
 * service in its own process, SDXLControlNetService on a Unix socket), on the demo model: the
 * image decode, Canny, the hop to SDXLControlNetService and back, the pipeline's stages, the PNG
 * encode, and the framework's share — everything but onnxruntime's runs — of the total.
 *
 * Sources, per request: the client's wall time; ControlNet's access line (server time) and its
 * 'generated' line (canny_ms, call_ms: the depends() call); SDXLControlNetService's 'generated'
 * line (encode/denoise/decode_ms, onnx_ms: time inside session.run). The hop is the call's time
 * less the pipeline's: the arguments and the answer encoded, sent over the socket and decoded, and
 * the callee's schema. The image decode and PNG encode happen in core around the method, where nothing
 * times them alone: they are timed here with the same core functions on the same bytes, and what
 * is left of ControlNet's server time is its request handling (multipart, schema, writing).
 *
 * Usage (after `npx nx run-many -t build`):
 *   node -r tsx/cjs tools/bench/controlnet-latency.ts [--steps 25] [--rounds 3] [--sizes 512,1024]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage, encodeImage } from '@bento/core';
import { MAX_INPUT_PIXELS } from '../../apps/controlnet/src/output-size';
import { generateDemoModel } from '../demo-model/generate';
import { serveGraph, type LogLine } from './lib/served-graph';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '25' }, rounds: { type: 'string', default: '3' }, sizes: { type: 'string', default: '512,1024' } } });
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const sizes = values.sizes.split(',').map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A photo-like JPEG: gradients, discs and bars (edges for Canny), and deterministic grain. */
async function photo(size: number): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  let seed = 12345;
  const grain = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) % 16;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const disc = (x - size * 0.35) ** 2 + (y - size * 0.4) ** 2 < (size * 0.2) ** 2;
      const bar = x > size * 0.6 && x < size * 0.8 && y > size * 0.15;
      raw[i] = disc ? 220 : bar ? 40 : (x * 160) / size + grain();
      raw[i + 1] = disc ? 60 : bar ? 200 : (y * 160) / size + grain();
      raw[i + 2] = disc ? 50 : bar ? 90 : 120 + grain();
    }
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

async function post(url: string, image: Buffer, params: Record<string, unknown>): Promise<{ ms: number; png: Buffer }> {
  const form = new FormData();
  form.append('image', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg');
  form.append('params', JSON.stringify(params));
  const started = performance.now();
  const response = await fetch(`${url}/generate`, { method: 'POST', body: form });
  const png = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${response.status}: ${png.toString()}`);
  return { ms, png };
}

/** Median ms of `work` over `times` runs after one warm-up. */
async function timeBeside(work: () => Promise<unknown>, times: number): Promise<number> {
  await work();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/** The lines of one kind, in request order. */
function linesOf(lines: LogLine[], service: string, msg: string, path?: string): LogLine[] {
  return lines.filter((l) => l.service === service && l.msg === msg && (path === undefined || (l.path === path && l.method === 'POST')));
}

interface Sample {
  size: number;
  /** The warm-up request: its lines are skipped. */
  warmUp: boolean;
  total: number;
  decode: number;
  encode: number;
}

/** Sends the requests: per size a warm-up, then `rounds` timed ones; the decode and encode are timed beside each. */
async function measure(url: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const size of sizes) {
    const image = await photo(size);
    const params = { prompt: 'a red house', seed: 0, num_inference_steps: steps };
    await post(url, image, { ...params, num_inference_steps: 2 }); // warm-up: sessions, JIT, allocator
    samples.push({ size, total: 0, decode: 0, encode: 0, warmUp: true });
    for (let round = 0; round < rounds; round++) {
      const { ms, png } = await post(url, image, params);
      // The same core calls the server makes around the method, on the same bytes, while it is idle.
      const decode = await timeBeside(() => decodeImage(image, { channels: 3, maxPixels: MAX_INPUT_PIXELS }), 3);
      const answer = await decodeImage(png, { channels: 3 });
      const encode = await timeBeside(() => encodeImage(answer, 'png'), 3);
      samples.push({ size, total: ms, decode, encode, warmUp: false });
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const modelDir = mkdtempSync(path.join(tmpdir(), 'bento-controlnet-bench-'));
  try {
    generateDemoModel(modelDir);
    const app = await serveGraph(path.join(__dirname, '../../apps/controlnet'), { SDXL_MODEL_DIR: modelDir, BENTO_LOG_LEVEL: 'info' });
    let samples: Sample[];
    try {
      samples = await measure(app.url);
    } catch (error) {
      await app.stop();
      throw error;
    }
    // The services' own lines are all written out once they have stopped.
    report(samples, await app.stop());
  } finally {
    rmSync(modelDir, { recursive: true, force: true });
  }
}

/** The onnxruntime time of a pipeline stage: the runs of its models (names as ModelRunner's). */
function stageRuns(byModel: Record<string, number>): { textEncode: number; denoise: number; vaeDecode: number } {
  let textEncode = 0;
  let vaeDecode = 0;
  let denoise = 0;
  for (const [model, ms] of Object.entries(byModel)) {
    if (model.startsWith('text_encoder')) textEncode += ms;
    else if (model.startsWith('vae_decoder')) vaeDecode += ms;
    else denoise += ms; // controlnet, unet, the residual scaler
  }
  return { textEncode, denoise, vaeDecode };
}

function report(samples: Sample[], lines: LogLine[]): void {
  const num = (line: LogLine, key: string) => Number(line[key]);
  const controlnetServer = linesOf(lines, 'ControlNet', 'request', '/generate');
  const controlnet = linesOf(lines, 'ControlNet', 'generated');
  const sdxl = linesOf(lines, 'SDXLControlNetService', 'generated');
  for (const [name, found] of [['ControlNet access', controlnetServer], ['ControlNet generated', controlnet], ['SDXL generated', sdxl]] as const) {
    if (found.length !== samples.length) throw new Error(`${found.length} ${name} lines for ${samples.length} requests`);
  }
  const rows = samples.map((s, i) => {
    const generated = sdxl[i]!;
    const pipeline = num(generated, 'encode_ms') + num(generated, 'denoise_ms') + num(generated, 'decode_ms');
    const call = num(controlnet[i]!, 'call_ms');
    const canny = num(controlnet[i]!, 'canny_ms');
    const server = num(controlnetServer[i]!, 'duration_ms');
    const runs = stageRuns(generated.onnx_by_model_ms as Record<string, number>);
    return {
      ...s,
      canny,
      hop: call - pipeline,
      textEncode: num(generated, 'encode_ms'),
      denoise: num(generated, 'denoise_ms'),
      vaeDecode: num(generated, 'decode_ms'),
      textEncodeRuns: runs.textEncode,
      denoiseRuns: runs.denoise,
      vaeDecodeRuns: runs.vaeDecode,
      textEncodeOwn: num(generated, 'encode_ms') - runs.textEncode,
      denoiseOwn: num(generated, 'denoise_ms') - runs.denoise,
      loopOwn: num(generated, 'own_ms'),
      vaeDecodeOwn: num(generated, 'decode_ms') - runs.vaeDecode,
      handling: server - canny - call - s.decode - s.encode,
      http: s.total - server,
      onnx: num(generated, 'onnx_ms'),
      own: s.total - num(generated, 'onnx_ms'),
      share: (s.total - num(generated, 'onnx_ms')) / s.total,
    };
  }).filter((r) => !r.warmUp);
  type Row = (typeof rows)[number];
  const provider = lines.find((l) => l.service === 'SDXLControlNetService' && typeof l.execution_provider === 'string')?.execution_provider;
  const canny = lines.find((l) => l.service === 'ControlNet' && typeof l.canny_backend === 'string')?.canny_backend;
  const measured = [...new Set(rows.map((r) => r.size))];
  const m = (size: number, key: keyof Row, digits = 1) => median(rows.filter((r) => r.size === size).map((r) => Number(r[key]))).toFixed(digits);

  console.log('Stages, ms (of which inside onnxruntime):\n');
  console.log('| size | steps | total | image decode | Canny | hop | text encode | denoise | VAE decode | PNG encode | HTTP & handling | framework\'s own | framework share |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const size of measured) {
    console.log(
      `| ${size}² | ${steps} | ${m(size, 'total', 0)} | ${m(size, 'decode')} | ${m(size, 'canny')} | ${m(size, 'hop')} | ${m(size, 'textEncode')} (${m(size, 'textEncodeRuns')}) | ${m(size, 'denoise', 0)} (${m(size, 'denoiseRuns', 0)}) | ${m(size, 'vaeDecode')} (${m(size, 'vaeDecodeRuns')}) | ${m(size, 'encode')} | ${(Number(m(size, 'http')) + Number(m(size, 'handling'))).toFixed(1)} | ${m(size, 'own', 0)} | **${(Number(m(size, 'share', 4)) * 100).toFixed(1)}%** |`,
    );
  }
  console.log('\nThe framework\'s own time, ms:\n');
  console.log('| size | image decode | Canny | hop | text encode | denoise (the loop\'s own) | VAE decode | PNG encode | ControlNet handling | client HTTP |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const size of measured) {
    console.log(`| ${size}² | ${m(size, 'decode')} | ${m(size, 'canny')} | ${m(size, 'hop')} | ${m(size, 'textEncodeOwn')} | ${m(size, 'denoiseOwn')} (${m(size, 'loopOwn')}) | ${m(size, 'vaeDecodeOwn')} | ${m(size, 'encode')} | ${m(size, 'handling')} | ${m(size, 'http')} |`);
  }
  console.log(`\nMedian of ${rounds} requests per size after a warm-up, one at a time; SDXL on ${String(provider).toUpperCase()}, Canny on ${String(canny).toUpperCase()}; Node ${process.version}.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
